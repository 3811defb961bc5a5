/**
 * The Python peers must run the same protocol as sharpsweep, or the
 * benchmark compares different work: they are checked against the
 * independent reference cases and closed forms. Skipped where NumPy is
 * not importable (the benchmark then skips the peer too).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { sharpnessUpperBound } from '../../bench/configs.js';
import { findInterpreter, PEERS, runPeer } from '../../bench/python.js';
import { chainFromFactors } from '../../src/dmf/index.js';
import { cases, relErr } from '../core/cases.js';

const numpy = findInterpreter('numpy');
const tmp = mkdtempSync(join(tmpdir(), 'sharpsweep-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface TrialAnswer {
  outcome: string;
  sharpness: number;
  escapeStep: number | null;
  finalSharpness: number | null;
  steps: number;
}

describe.skipIf(numpy === null)('numpy_escape.py (reference escapes)', () => {
  cases.escapes.forEach((c, i) => {
    const name = `case ${i}: ${c.dims.join('-')} ρ=${c.stepRatio}`;
    it(`${name} → ${c.outcome}`, { timeout: 180_000 }, () => {
      const file = join(tmp, `escape-${i}.json`);
      writeFileSync(file, JSON.stringify({
        factors: c.factors,
        target: c.target,
        stepSize: c.stepSize,
        radius: c.radius,
        direction: c.direction,
        maxSteps: c.maxSteps,
        escapeDistance: c.escapeDistance,
      }));
      const r = runPeer<TrialAnswer>(numpy!.exe, 'numpy_escape.py', [
        '--input', file,
      ]).value;

      expect(r.outcome).toBe(c.outcome);
      expect(r.escapeStep).toBe(c.escapeStep);
      expect(r.steps).toBe(c.maxSteps);
      expect(relErr(r.sharpness, c.sharpness)).toBeLessThan(1e-9);
      expect(relErr(r.finalSharpness!, c.finalSharpness)).toBeLessThan(1e-6);
    });
  });
});

describe.skipIf(numpy === null)('numpy_escape.py exact sharpness', () => {
  it('matches every reference minimizer to 1e-9', () => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(PEERS)})`,
      'import numpy as np',
      'from numpy_escape import exact_sharpness',
      'cases = json.load(sys.stdin)',
      'print(json.dumps([exact_sharpness([np.array(w, dtype=float) ' +
        'for w in c["factors"]])[0] for c in cases]))',
    ].join('\n');
    const child = spawnSync(numpy!.exe, ['-c', script], {
      input: JSON.stringify(cases.minimizers),
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    const values = JSON.parse(child.stdout) as number[];

    values.forEach((v, i) => {
      expect(relErr(v, cases.minimizers[i].sharpness)).toBeLessThan(1e-9);
    });
  });
});

describe.skipIf(numpy === null)('numpy_gd.py on a scalar chain', () => {
  it('has the gradient −2 (m − Πw) Π_{j≠i} w_j', () => {
    const w = [0.7, -1.3, 2.1, 0.4];
    const m = 1.5;
    const prod = w.reduce((a, b) => a * b, 1);
    const expected = w.map((_, i) =>
      -2 * (m - prod) * w.reduce((a, b, j) => (j === i ? a : a * b), 1),
    );
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(PEERS)})`,
      'import numpy as np',
      'from numpy_gd import loss_and_grads',
      `w = [np.array([[x]]) for x in ${JSON.stringify(w)}]`,
      `loss, g = loss_and_grads(w, np.array([[${m}]]))`,
      'print(json.dumps([loss] + [float(x[0, 0]) for x in g]))',
    ].join('\n');
    const child = spawnSync(numpy!.exe, ['-c', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const [loss, ...grads] = JSON.parse(child.stdout) as number[];

    expect(loss).toBeCloseTo((m - prod) ** 2, 14);
    grads.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 13));
  });
});

describe('sharpnessUpperBound (the bench step size)', () => {
  // DESIGN.md §1.1: an upper bound, exact when L = 2 or d_0 = d_L = 1.
  cases.minimizers.forEach((c, i) => {
    const depth = c.dims.length - 1;
    const exact = depth === 2 || (c.dims[0] === 1 && c.dims[depth] === 1);
    const claim = exact ? 'equals' : 'bounds';
    it(`case ${i} (${c.dims.join('-')}): ${claim} λ_max`, () => {
      const bound = sharpnessUpperBound(chainFromFactors(c.factors));
      if (exact) expect(relErr(bound, c.sharpness)).toBeLessThan(1e-9);
      else expect(bound).toBeGreaterThanOrEqual(c.sharpness * (1 - 1e-12));
    });
  });
});
