/** Plain-array comparisons shared by the numeric tests. */
import assert from 'node:assert/strict';

/** max_i |a_i − b_i| (the arrays must have the same length). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max_i |a_i| (0 for an empty array). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * ‖a − b‖₂ / ‖b‖₂, the per-tensor relative L2 error of the parity tests (the training issue's
 * criterion); `b` is the reference and must not be all zeros.
 */
export function relativeL2Error(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  assert.ok(den > 0, 'reference is all zeros');
  return Math.sqrt(num / den);
}
