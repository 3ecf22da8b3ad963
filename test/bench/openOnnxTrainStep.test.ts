/**
 * openOnnxTrainStep: an open ONNX Runtime training step times steps one at a time and returns
 * every TF.js tensor it made (the batch, the model's weights) when closed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openOnnxTrainStep } from '../../lib/bench/openOnnxTrainStep';
import { leakedTensors, setupTf } from '../helpers/tf';

test('openOnnxTrainStep: steps at 32×32 take positive time, and close() leaks no tensor', async () => {
  await setupTf();
  const times: number[] = [];
  const leaked = await leakedTensors(async () => {
    const trainer = await openOnnxTrainStep([32, 32], 2);
    try {
      for (let i = 0; i < 3; i++) times.push(await trainer.step());
    } finally {
      await trainer.close();
    }
  });
  assert.equal(times.length, 3);
  for (const ms of times) assert.ok(ms > 0 && ms < 60_000, `${ms} ms per image`);
  assert.equal(leaked, 0, `${leaked} tensors left after close()`);
});
