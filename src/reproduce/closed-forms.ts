/**
 * Part 3 of the reproduction: the exact sharpness against the closed
 * forms and bounds over many shapes. Each minimizer is built by the core
 * and handed to `sharpsweep sharpness --json`, the same command a user
 * runs on factors from elsewhere; the table is its output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { MinimizerSpec } from '../escape/spec.js';
import { toRows } from '../linalg/index.js';
import { buildMinimizer, buildTarget } from '../minima/index.js';
import { runCli } from './cli.js';
import { formatValue, markdownTable } from './tables.js';

export interface ShapeCase {
  dims: number[];
  minimizer: MinimizerSpec;
  seed: number;
}

const RANDOM: MinimizerSpec = { family: 'random', scale: 1 };
const BALANCED: MinimizerSpec = { family: 'balanced' };

const ALL_ONES_15 = Array(16).fill(1) as number[];

const cases = (dims: number[][], minimizer: MinimizerSpec): ShapeCase[] =>
  dims.map((d) => ({ dims: d, minimizer, seed: 1 }));

/**
 * Depth 2, scalar ends, one scalar end and generic shapes from random
 * minimizers; then balanced ones, where the flat-minimum bound is exact.
 */
export const FULL_SHAPES: ShapeCase[] = [
  ...cases([[1, 3, 1], [2, 3, 2], [3, 4, 2], [5, 5, 5]], RANDOM),
  ...cases([[1, 4, 4, 1], [1, 3, 3, 3, 3, 1], [1, 2, 2, 2, 2, 2, 2, 1],
    [1, 1, 1, 1], ALL_ONES_15], RANDOM),
  ...cases([[1, 4, 4, 3], [3, 4, 4, 1]], RANDOM),
  ...cases([[2, 3, 3, 2], [3, 3, 3, 3], [2, 3, 4, 2], [2, 2, 5, 3, 2],
    [4, 4, 4, 4], [2, 4, 4, 4, 2], [3, 5, 5, 5, 5, 3],
    [3, 6, 6, 6, 6, 6, 6, 6, 3]], RANDOM),
  ...cases([[2, 3, 2], [2, 3, 3, 2], [3, 3, 3, 3], [3, 5, 5, 5, 5, 3]],
    BALANCED),
];

export const REDUCED_SHAPES: ShapeCase[] = [
  { dims: [2, 3, 2], minimizer: RANDOM, seed: 1 },
  { dims: [1, 3, 3, 1], minimizer: RANDOM, seed: 1 },
  { dims: [2, 3, 3, 2], minimizer: RANDOM, seed: 1 },
  { dims: [2, 3, 3, 2], minimizer: BALANCED, seed: 1 },
];

interface CliReport {
  sharpness: number;
  atMinimizer: boolean;
  closedForms: Record<string, { value: number; exact: boolean }>;
}

export interface ShapeRow {
  shape: ShapeCase;
  report: CliReport;
}

/** Runs `sharpsweep sharpness` on each case; `scratch` holds the inputs. */
export async function measureShapes(
  shapes: ShapeCase[],
  scratch: string,
): Promise<ShapeRow[]> {
  const rows: ShapeRow[] = [];
  for (const [i, shape] of shapes.entries()) {
    const target = buildTarget({ kind: 'gaussian', scale: 1 }, shape.dims,
      shape.seed);
    const chain = buildMinimizer(shape.minimizer, target, shape.dims,
      shape.seed);
    const input = join(scratch, `shape-${i}.json`);
    writeFileSync(input, JSON.stringify({
      factors: chain.factors.map(toRows),
      target: toRows(target),
    }));

    const { stdout } = await runCli(['sharpness', '--input', input, '--json']);
    rows.push({ shape, report: JSON.parse(stdout) as CliReport });
  }

  return rows;
}

const FORMS = ['spectralNormSum', 'rankOne', 'flatMinimum'] as const;

/** Signed relative error, with ✓ where the form is exact for the shape. */
function formCell(report: CliReport, name: string): string {
  const form = report.closedForms[name];
  if (form === undefined) return '—';

  const error = (form.value - report.sharpness) / report.sharpness;
  const text = Math.abs(error) < 1e-13 ? '0' : error.toExponential(1)
    .replace(/^(\d)/, '+$1');

  return form.exact ? `${text} ✓` : text;
}

export function shapeTable(rows: ShapeRow[]): string {
  return markdownTable(
    ['dims', 'minimizer', 'exact λ_max', 'spectral-norm sum (upper)',
      'rank-one (lower)', 'flat minimum (lower)'],
    rows.map(({ shape, report }) => [
      shape.dims.join('-'),
      shape.minimizer.family,
      formatValue(report.sharpness, 8),
      ...FORMS.map((name) => formCell(report, name)),
    ]),
  );
}

/** Cases where a form flagged exact is off, or a bound is violated. */
export function shapeProblems(rows: ShapeRow[]): string[] {
  const problems: string[] = [];
  for (const { shape, report } of rows) {
    const label = `dims ${shape.dims.join('-')} ${shape.minimizer.family}`;
    const relative = (name: string) => {
      const form = report.closedForms[name];
      return (form.value - report.sharpness) / report.sharpness;
    };
    for (const [name, form] of Object.entries(report.closedForms)) {
      if (form.exact && Math.abs(relative(name)) > 1e-9) {
        problems.push(`${label}: ${name} is flagged exact but off by ` +
          relative(name).toExponential(2));
      }
    }
    if (relative('spectralNormSum') < -1e-12) {
      problems.push(`${label}: spectral-norm sum below the exact value`);
    }
    if (relative('rankOne') > 1e-12) {
      problems.push(`${label}: rank-one bound above the exact value`);
    }
  }

  return problems;
}
