/**
 * The reduced reproduction end to end: the built CLI runs the reduced
 * paper sweeps, the figures are drawn and results.md written. It needs
 * the compiled tree (`npx tsc -p .`, as `npm test` does first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { xmlProblems } from './xml.js';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'dist', 'src', 'reproduce', 'main.js');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const built = existsSync(script) && existsSync(cli);

describe('reproduce --reduced', () => {
  it.skipIf(!built)('runs the paper sweeps and writes the document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sharpsweep-reproduce-test-'));
    const db = join(dir, 'paper.sqlite');
    const out = join(dir, 'docs');

    execFileSync(process.execPath, [script, '--reduced', '--db', db,
      '--out', out, '--workers', '2'], { encoding: 'utf8', timeout: 120_000 });

    const results = readFileSync(join(out, 'results.md'), 'utf8');
    expect(results).toContain('## 1. Depth-15 scalar factorization');
    expect(results).toContain('## 3. Exact sharpness against the closed forms');
    expect(results).not.toMatch(/not drawn:\*/);

    // Every referenced figure exists and is well-formed SVG.
    const referenced = [...results.matchAll(/\]\(figures\/([^)]+)\)/g)]
      .map((m) => m[1]);
    expect(referenced.length).toBeGreaterThanOrEqual(10);
    expect(readdirSync(join(out, 'figures')).sort())
      .toEqual([...new Set(referenced)].sort());
    for (const file of referenced) {
      const svg = readFileSync(join(out, 'figures', file), 'utf8');
      expect(xmlProblems(svg), file).toEqual([]);
    }

    // The trials went through the real CLI into the given database.
    const count = execFileSync(process.execPath, [cli, 'query', '--db', db,
      '--json', 'SELECT sweep, count(*) AS n FROM trials GROUP BY sweep'],
    { encoding: 'utf8' });
    const sweeps = JSON.parse(count) as { sweep: string; n: number }[];
    expect(sweeps.map((s) => s.sweep).sort())
      .toEqual(['paper-matrix-reduced', 'paper-scalar-reduced']);

    // Depth 2 (L = 2) rows: the spectral-norm sum is flagged exact and
    // agrees to round-off (DESIGN.md §1.1).
    const depthTwo = results.split('\n')
      .find((line) => line.startsWith('| 2-3-2 | random |'))!;
    expect(depthTwo.split('|')[4].trim()).toBe('0 ✓');
  }, 150_000);
});
