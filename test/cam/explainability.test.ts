import { test } from 'node:test';
import { createOnnxEngine } from '../../lib/engine/createOnnxEngine';
import { createTfjsEngine } from '../../lib/engine/createTfjsEngine';
import assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import { setupTf, leakedTensors } from '../helpers/tf';
import {
  attentionRatio,
  confidenceChange,
  createImageScorer,
  explainabilityFigure,
  explanationImage,
  fatGrayLevel,
  measureExplainability,
  perturbationCurves,
  pointingGame,
  rankPixels,
  summarizeExplainability,
  trapezoidAuc,
  type ExplainabilityRecord,
  type ImageScorer,
} from '../../lib/cam';
import { createDensityModel } from '../../lib/model';
import { preprocessForNetwork } from '../../lib/data';

const W = 20;
const H = 10;
/** Breast = columns 0..15 (the rest background), dense = columns 0..3 (a quarter of the breast). */
function masks(): { breast: Uint8Array; dense: Uint8Array } {
  const breast = new Uint8Array(W * H);
  const dense = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      breast[y * W + x] = x < 16 ? 1 : 0;
      dense[y * W + x] = x < 4 ? 1 : 0;
    }
  }
  return { breast, dense };
}

function mapWhere(pred: (x: number, y: number) => number): Float32Array {
  const m = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) m[y * W + x] = pred(x, y);
  return m;
}

test('attention ratio: 1 for a uniform map, 1/dense share on dense only, 0 off dense', () => {
  const { breast, dense } = masks();
  const cases: [string, Float32Array, number, number][] = [
    ['uniform', mapWhere(() => 0.5), 1, 16 / 20],
    ['dense only', mapWhere((x) => (x < 4 ? 1 : 0)), 4, 1],
    ['fat only', mapWhere((x) => (x >= 4 && x < 16 ? 1 : 0)), 0, 1],
    ['half on background', mapWhere((x) => (x < 4 || x >= 16 ? 1 : 0)), 4, 0.5],
  ];
  for (const [name, map, ratio, inBreast] of cases) {
    const a = attentionRatio(map, dense, breast);
    assert.ok(Math.abs(a.denseShare - 0.25) < 1e-12, name);
    assert.ok(Math.abs(a.ratio - ratio) < 1e-9, `${name}: ratio ${a.ratio}`);
    assert.ok(Math.abs(a.massInBreast - inBreast) < 1e-9, `${name}: in breast ${a.massInBreast}`);
  }
  assert.ok(
    Number.isNaN(
      attentionRatio(
        mapWhere((x) => (x >= 16 ? 1 : 0)),
        dense,
        breast,
      ).ratio,
    ),
  );
  assert.throws(() => attentionRatio(new Float32Array(3), dense), /same number of pixels/);
});

test('pointing game: hit on dense tissue, miss elsewhere, background ignored', () => {
  const { breast, dense } = masks();
  const peak = (px: number, py: number) => mapWhere((x, y) => (x === px && y === py ? 1 : 0.1));
  assert.deepEqual(pointingGame(peak(2, 5), W, dense, breast), { hit: true, x: 2, y: 5 });
  assert.deepEqual(pointingGame(peak(9, 1), W, dense, breast), { hit: false, x: 9, y: 1 });
  // The maximum on the background does not count: the breast's first maximum is used.
  const bg = pointingGame(peak(18, 3), W, dense, breast);
  assert.equal(bg.hit, true);
  assert.deepEqual([bg.x, bg.y], [0, 0]);
});

/** Probability of class 0 = share of the evidence pixels (x < 4) still at their original 200. */
const evidenceScorer: ImageScorer = async (images) =>
  images.map((img) => {
    let kept = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < 4; x++) kept += img[y * W + x] === 200 ? 1 : 0;
    const p = kept / (4 * H);
    return [p, 1 - p];
  });

test('deletion / insertion curves: a map on the evidence beats the random order', async () => {
  const { breast } = masks();
  const image = new Float32Array(W * H).fill(200);
  const map = mapWhere((x) => (x < 4 ? 1 - x / 10 : 0.01));
  const c = await perturbationCurves(image, map, 0, evidenceScorer, {
    steps: 4,
    fillValue: 100,
    region: breast,
    seed: 3,
  });
  assert.deepEqual(c.fractions, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(c.deletion, [1, 0, 0, 0, 0]);
  assert.deepEqual(c.insertion, [0, 1, 1, 1, 1]);
  assert.equal(c.auc.deletion, 0.125);
  assert.equal(c.auc.insertion, 0.875);
  // Random order removes evidence in proportion: about 1 − fraction.
  assert.ok(
    Math.abs(c.auc.deletionRandom - 0.5) < 0.1,
    `random deletion AUC ${c.auc.deletionRandom}`,
  );
  assert.ok(Math.abs(c.auc.insertionRandom - 0.5) < 0.1);
  assert.equal(c.deletionRandom[0], 1);
  assert.equal(c.deletionRandom[4], 0);
  assert.equal(trapezoidAuc([0, 0.5, 1], [1, 1, 0]), 0.75);
  assert.deepEqual(Array.from(rankPixels([0.2, 0.9, 0.2, 0.5], [1, 1, 1, 0])), [1, 0, 2]);
  assert.equal(fatGrayLevel([10, 20, 30, 40, 200], [1, 1, 1, 1, 0], [0, 0, 0, 1, 0]), 20);
});

test('explanation image and confidence change (Chattopadhay et al. 2018)', () => {
  const e = explanationImage(Float32Array.from([200, 200, 50]), [1, 0.5, 0], 100, [1, 1, 0]);
  assert.deepEqual(Array.from(e), [200, 150, 50]);
  const c = confidenceChange(0.8, 0.6);
  assert.ok(Math.abs(c.drop - 0.25) < 1e-12);
  assert.equal(c.increase, false);
  assert.deepEqual(confidenceChange(0.5, 0.7), {
    original: 0.5,
    explained: 0.7,
    drop: 0,
    increase: true,
  });
});

test('measureExplainability + summary per projection and class + figure', async () => {
  const { breast, dense } = masks();
  // Dense tissue bright (200), fat 100, background 0.
  const image = mapWhere((x) => (x < 4 ? 200 : x < 16 ? 100 : 0));
  const good = await measureExplainability({
    image,
    map: mapWhere((x) => (x < 4 ? 1 : 0)),
    width: W,
    target: 0,
    denseMask: dense,
    breastMask: breast,
    scorer: evidenceScorer,
    steps: 4,
  });
  const bad = await measureExplainability({
    image,
    map: mapWhere((x) => (x > 10 && x < 16 ? 1 : 0)),
    width: W,
    target: 0,
    denseMask: dense,
    breastMask: breast,
  });
  assert.equal(good.fillValue, 100);
  assert.equal(good.confidence?.drop, 0);
  assert.equal(bad.curves, undefined);
  const records: ExplainabilityRecord[] = [
    { projection: 'CC_R', trueClass: 'B', measures: good },
    { projection: 'CC_R', trueClass: 'B', measures: bad },
    { projection: 'CC_R', trueClass: 'D', measures: good },
  ];
  const s = summarizeExplainability(records);
  assert.deepEqual(
    s.byClass.map((g) => [g.projection, g.trueClass, g.n]),
    [
      ['CC_R', 'B', 2],
      ['CC_R', 'D', 1],
    ],
  );
  const b = s.byClass[0];
  assert.equal(b.attentionRatio, (4 + 0) / 2);
  assert.equal(b.pointingHitRate, 0.5);
  assert.equal(b.nCurves, 1);
  assert.equal(s.overall.n, 3);
  assert.equal(s.overall.deletionBeatsRandom, 1);
  const fig = explainabilityFigure(s);
  assert.ok(fig.data.every((t) => t.type === 'bar' || t.type === 'scatter'));
  assert.deepEqual(fig.data[0].x, ['CC_R B', 'CC_R D']);
  JSON.parse(JSON.stringify(fig));
});

test('createImageScorer: same probabilities as the network on the standard preprocessing', async () => {
  const tf = await setupTf();
  const model = createDensityModel({ inputSize: 64, seed: 2 });
  const img = new Uint8Array(64 * 64);
  for (let i = 0; i < img.length; i++) img[i] = (i * 37) % 251;
  const scorer = createImageScorer(model, [64, 64], 2);
  let probs: number[][] = [];
  const leaked = await leakedTensors(async () => {
    probs = await scorer([
      Float32Array.from(img),
      Float32Array.from(img, (v) => 255 - v),
      Float32Array.from(img),
    ]);
  });
  assert.equal(leaked, 0);
  const x = preprocessForNetwork(
    { width: 64, height: 64, data: img, sourceBitDepth: 8, sourceChannels: 1 },
    [64, 64],
  );
  const ref = tf.tidy(
    () => (model.predict(x.expandDims(0)) as TF.Tensor).arraySync() as number[][],
  );
  for (let c = 0; c < 4; c++) {
    assert.ok(Math.abs(probs[0][c] - ref[0][c]) < 1e-5);
    assert.ok(Math.abs(probs[2][c] - ref[0][c]) < 1e-5);
  }
  // Both engines (ONNX Runtime, and TF.js's BatchNorm-folded executor) give the same probabilities.
  for (const engine of [await createOnnxEngine(model), createTfjsEngine(model)]) {
    const engineProbs = await createImageScorer(
      model,
      [64, 64],
      2,
      engine,
    )([Float32Array.from(img)]);
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(engineProbs[0][c] - ref[0][c]) < 1e-5, `${engine.kind}: class ${c}`);
    }
    await engine.dispose();
  }
  x.dispose();
  model.dispose();
});
