/**
 * The area-averaging resize of picture sheets, against hand-computed values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeAreaToHeight } from '../../lib/io/resizeAreaToHeight';

// prettier-ignore
const CASES: [string, number[], number, number, number, number, number[], number][] = [
  // name                    data                      w  h  ch target  expected                 width
  ['gray 4×2 → 1 (2×2 box)', [0, 10, 20, 30, 40, 50, 60, 70], 4, 2, 1, 1, [25, 45],              2],
  ['gray rounds half up',    [0, 1, 0, 2],             2, 2, 1, 1,      [1],                      1],
  ['rgb 2×2 → 1×1',          [0, 0, 0, 10, 20, 30, 20, 40, 60, 30, 60, 90], 2, 2, 3, 1, [15, 30, 45], 1],
  ['gray enlarge = nearest', [5, 9],                   2, 1, 1, 2,      [5, 5, 9, 9, 5, 5, 9, 9], 4],
  ['gray 3 rows → 2',        [0, 30, 90],              1, 3, 1, 2,      [0, 60],                  1],
  ['same size is identity',  [1, 2, 3, 4],             2, 2, 1, 2,      [1, 2, 3, 4],             2],
  ['width never below 1',    [7, 7, 7, 7, 7, 7, 7, 7], 1, 8, 1, 1,      [7],                      1],
];

for (const [name, data, w, h, ch, target, expected, width] of CASES) {
  test(`resizeAreaToHeight: ${name}`, () => {
    const out = resizeAreaToHeight(Uint8Array.from(data), w, h, ch, target);
    assert.equal(out.width, width);
    assert.deepEqual(Array.from(out.data), expected);
  });
}

test('resizeAreaToHeight refuses a wrong buffer length and a bad height', () => {
  assert.throws(
    () => resizeAreaToHeight(new Uint8Array(5), 2, 2, 1, 1),
    /expected 2×2×1 = 4 values, got 5/,
  );
  assert.throws(
    () => resizeAreaToHeight(new Uint8Array(4), 2, 2, 1, 0),
    /expected an integer height ≥ 1, got 0/,
  );
});
