/**
 * Matrices in command inputs: lists of rows of finite numbers, and chains
 * of factors whose shapes multiply (`W_i` is `d_i × d_{i-1}`).
 */
import { collect, numberCheck, type Check } from './check.js';
import { describeFound, type Issues } from './issues.js';

const entry = numberCheck({ hint: 'matrix entries are finite numbers' });

/** A non-empty list of equally long, non-empty rows of numbers. */
export const matrixCheck: Check<number[][]> = (value, path, issues) => {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add({
      path,
      expected: 'a matrix: a non-empty list of rows, e.g. [[1, 2], [3, 4]]',
      found: describeFound(value),
      hint: 'write a matrix as a list of rows of numbers',
    });

    return undefined;
  }

  const before = issues.total;
  let columns: number | undefined;

  value.forEach((row, index) => {
    const at = [...path, index];

    if (!Array.isArray(row) || row.length === 0) {
      issues.add({
        path: at,
        expected: 'a row: a non-empty list of numbers',
        found: describeFound(row),
        hint: 'write a matrix as a list of rows, e.g. [[1, 2], [3, 4]]',
      });
      return;
    }

    columns ??= row.length;
    if (row.length !== columns) {
      issues.add({
        path: at,
        expected: `a row of ${columns} numbers, like row 0`,
        found: `a row of ${row.length}`,
        hint: 'every row of a matrix has the same length',
      });
      return;
    }

    collect(row, at, issues, entry);
  });

  return issues.total > before ? undefined : (value as number[][]);
};

export function shapeText(matrix: number[][]): string {
  return `${matrix.length}×${matrix[0].length}`;
}

/**
 * Checks that `W_{i+1} W_i` is defined for every `i`; reports each
 * mismatch at the later factor, naming both shapes.
 */
export function checkChain(factors: number[][][], issues: Issues): void {
  for (let i = 1; i < factors.length; i++) {
    const rowsBelow = factors[i - 1].length;
    const columns = factors[i][0].length;
    if (columns === rowsBelow) continue;

    issues.add({
      path: ['factors', i],
      expected: `W_${i + 1} with ${rowsBelow} columns`,
      found:
        `W_${i + 1} is ${shapeText(factors[i])} but W_${i} has ` +
        `${rowsBelow} rows`,
      hint:
        'W_i must have as many columns as W_{i-1} has rows ' +
        '(W_i is d_i × d_{i-1}; factors list W_1 first)',
    });
  }
}

/** The target is `d_L × d_0`: rows of the last factor, columns of W_1. */
export function checkTarget(
  target: number[][],
  factors: number[][][],
  issues: Issues,
): void {
  const rows = factors[factors.length - 1].length;
  const columns = factors[0][0].length;
  if (target.length === rows && target[0].length === columns) return;

  issues.add({
    path: ['target'],
    expected:
      `a ${rows}×${columns} matrix (d_L × d_0: rows of W_L by ` +
      'columns of W_1)',
    found: `a ${shapeText(target)} matrix`,
    hint: 'give M = the target of W_L⋯W_1, or omit it to use the product',
  });
}
