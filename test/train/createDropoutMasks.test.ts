import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDropoutMasks } from '../../lib/train/createDropoutMasks';

/** [rate, batch, NCHW shape, expected set of values]. */
const CASES: [number, number, number[], number[]][] = [
  [0, 2, [-1, 3, 4, 5], [1]],
  [0.2, 3, [-1, 256, 3, 3], [0, 1.25]],
  [0.5, 1, [-1, 64, 10, 10], [0, 2]],
];

for (const [rate, n, shape, values] of CASES) {
  test(`createDropoutMasks: rate ${rate}, batch ${n}, shape ${shape.slice(1).join('×')}`, () => {
    const masks = createDropoutMasks(7);
    const m = masks.draw(n, shape, rate);
    assert.equal(m.length, n * shape.slice(1).reduce((a, b) => a * b, 1));
    assert.deepEqual([...new Set(m)].sort(), values);
    const dropped = m.filter((v) => v === 0).length / m.length;
    assert.ok(Math.abs(dropped - rate) < 0.05, `dropped share ${dropped} for rate ${rate}`);
  });
}

test('createDropoutMasks: the same seed and position give the same masks', () => {
  const a = createDropoutMasks(3);
  const b = createDropoutMasks(3);
  assert.deepEqual(a.draw(2, [-1, 8, 2, 2], 0.2), b.draw(2, [-1, 8, 2, 2], 0.2));
  const saved = a.state();
  const next = a.draw(1, [-1, 16, 1, 1], 0.2);
  a.setState(saved);
  assert.deepEqual(a.draw(1, [-1, 16, 1, 1], 0.2), next);
  assert.notDeepEqual(
    createDropoutMasks(4).draw(2, [-1, 8, 2, 2], 0.2),
    b.draw(2, [-1, 8, 2, 2], 0.2),
  );
  assert.throws(
    () => a.draw(0, [-1, 1, 1, 1], 0.2),
    /expected n ≥ 1 and rate in \[0, 1\), got 0, 0.2/,
  );
  assert.throws(() => a.draw(1, [-1, 1, 1, 1], 1), /got 1, 1/);
});
