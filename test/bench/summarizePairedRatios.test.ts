/**
 * summarizePairedRatios: median ratio, its distribution-free 95 % interval and the one-sided sign
 * test, against hand-computed values and SciPy's `binomtest(k, n, alternative='greater')` and
 * `binom.cdf` (the values below were computed with them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizePairedRatios } from '../../lib/bench/summarizePairedRatios';

/** Ratios r as pairs (A = r, B = 1). */
const pairs = (r: number[]): [number[], number[]] => [r, r.map(() => 1)];
const ramp = (n: number, faster: number): number[] =>
  Array.from({ length: n }, (_, i) => (i < faster ? 0.5 + i / 100 : 1.5 + i / 100));

// [name, ratios, median, ci95, A faster, sign-test p]
// prettier-ignore
const CASES: [string, number[], number, [number, number] | null, number, number][] = [
  // 6 pairs: k = 1 (P(X ≤ 0) = 1/64), interval = [min, max]; p = P(X ≥ 5) = 7/64.
  ['6 pairs', [0.9, 0.95, 1.1, 0.8, 0.85, 0.92], 0.91, [0.8, 1.1], 5, 0.109375],
  // 5 pairs: P(X ≤ 0) = 1/32 > 0.025, no interval; odd count: the middle ratio.
  ['5 pairs', [1.2, 0.7, 0.9, 1.0, 1.1], 1.0, null, 2, 0.8125],
  // 10 pairs: k = 2 (P(X ≤ 1) = 11/1024, P(X ≤ 2) = 56/1024), all faster: p = 1/1024.
  ['10 pairs', [0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59], 0.545, [0.51, 0.58], 10, 0.0009765625],
  // 30 pairs, 20 faster (0.50…0.69, then 1.70…1.79): k = 10 (binom.cdf), interval = [r(10), r(21)],
  // p = binomtest(20, 30).pvalue.
  ['30 pairs', ramp(30, 20), 0.645, [0.59, 1.7], 20, 0.049368573352694525],
  // A never faster: p = 1.
  ['none faster', [1.1, 1.2, 1.3, 1.4, 1.5, 1.6], 1.35, [1.1, 1.6], 0, 1],
];

for (const [name, ratios, median, ci, faster, p] of CASES) {
  test(`summarizePairedRatios: ${name}`, () => {
    const s = summarizePairedRatios(...pairs(ratios));
    assert.equal(s.pairs, ratios.length);
    assert.ok(Math.abs(s.median - median) < 1e-12, `median ${s.median}, expected ${median}`);
    if (ci === null) assert.equal(s.ci95, null);
    else {
      assert.ok(s.ci95, 'an interval');
      assert.ok(
        Math.abs(s.ci95[0] - ci[0]) < 1e-12 && Math.abs(s.ci95[1] - ci[1]) < 1e-12,
        `${s.ci95}`,
      );
    }
    assert.equal(s.aFaster, faster);
    assert.ok(Math.abs(s.signTestP - p) < 1e-12, `p ${s.signTestP}, expected ${p}`);
    assert.deepEqual(s.ratios, ratios);
  });
}

test('summarizePairedRatios: the ratio is A over B, pair by pair', () => {
  const s = summarizePairedRatios([100, 300], [200, 100]);
  assert.deepEqual(s.ratios, [0.5, 3]);
  assert.equal(s.median, 1.75);
});

// prettier-ignore
const BAD: [string, number[], number[], RegExp][] = [
  ['lengths differ', [1, 2], [1], /two equal, non-empty lists of times, got 2 and 1/],
  ['no pair', [], [], /got 0 and 0/],
  ['zero time', [1, 0], [1, 1], /positive and finite, got 0/],
  ['NaN', [1, 1], [NaN, 1], /positive and finite, got NaN/],
];
for (const [name, a, b, message] of BAD) {
  test(`summarizePairedRatios: rejects ${name}`, () => {
    assert.throws(() => summarizePairedRatios(a, b), message);
  });
}
