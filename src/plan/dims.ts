/**
 * The explicit-shape axis: `dims: [1, 4, 4, 1]` is one shape,
 * `dims: [[1, 4, 4, 1], [2, 3, 2]]` two. A chain needs depth L ≥ 2, so
 * every shape lists at least three widths.
 */
import { collect, numberCheck, type Check } from './check.js';
import { describeFound } from './issues.js';

const width = numberCheck({
  integer: true,
  min: 1,
  hint: 'layer widths are whole numbers ≥ 1',
});

const shapeCheck: Check<number[]> = (value, path, issues) => {
  if (!Array.isArray(value) || value.length < 3) {
    issues.add({
      path,
      expected: 'a shape [d_0, d_1, …, d_L] with at least 3 widths (L ≥ 2)',
      found: describeFound(value),
      hint: 'e.g. [1, 4, 4, 1]: input 1, two hidden layers of 4, output 1',
    });

    return undefined;
  }

  return collect(value, path, issues, width);
};

export const dimsAxisCheck: Check<number[][]> = (value, path, issues) => {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add({
      path,
      expected: 'a shape [d_0, …, d_L] or a list of shapes',
      found: describeFound(value),
      hint: 'e.g. dims: [1, 4, 4, 1] or dims: [[1, 4, 4, 1], [2, 3, 2]]',
    });

    return undefined;
  }

  // A list holding any list is a list of shapes; then every item must be
  // a shape (a stray number is the ragged case reported per item).
  const listOfShapes = value.some((item) => Array.isArray(item));
  if (!listOfShapes) {
    const single = shapeCheck(value, path, issues);

    return single === undefined ? undefined : [single];
  }

  return collect(value, path, issues, shapeCheck);
};
