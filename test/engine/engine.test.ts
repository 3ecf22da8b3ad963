/**
 * The compute engines (lib/engine): ONNX Runtime against TF.js, value for value — probabilities,
 * layer activations, gradients at several layers and the input, and normalised maps — on random
 * models at odd and even sizes, the bundled models and a phantom at 650×650; engine choice and
 * its errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type * as TF from '@tensorflow/tfjs';
import { maxAbs, maxAbsDiff, relativeL2Error } from '../helpers/arrays';
import { setupTf } from '../helpers/tf';
import { createDensityModel } from '../../lib/model/createDensityModel';
import { createOnnxEngine } from '../../lib/engine/createOnnxEngine';
import { createTfjsEngine } from '../../lib/engine/createTfjsEngine';
import { createDensityEngine, requestedEngine } from '../../lib/engine/createDensityEngine';
import { createCam } from '../../lib/cam/createCam';
import { loadDensityModel } from '../../lib/modelFiles/loadDensityModel';
import { generatePhantom } from '../../lib/phantom/generatePhantom';
import { preprocessForNetwork } from '../../lib/data/preprocessForNetwork';
import { UsageError } from '../../lib/errors';

const ROOT = path.join(__dirname, '..', '..');

/** A random model with non-trivial BatchNorm statistics (so folding is exercised). */
async function randomModel(
  size: number,
  seed: number,
): Promise<{ tf: typeof TF; model: TF.LayersModel }> {
  const tf = await setupTf();
  const model = createDensityModel({ inputSize: size, seed });
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const n = layer.getWeights()[0].shape[0];
    const fresh = [
      tf.randomUniform([n], 0.5, 1.5, 'float32', seed),
      tf.randomUniform([n], -0.2, 0.2, 'float32', seed + 1),
      tf.randomUniform([n], -0.1, 0.1, 'float32', seed + 2),
      tf.randomUniform([n], 0.5, 2, 'float32', seed + 3),
    ];
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return { tf, model };
}

const SIZES = [64, 65, 257, 650];
for (const size of SIZES) {
  test(`probabilities: ONNX Runtime = TF.js within 1e-5 at ${size}×${size} (random model, batch 2)`, async () => {
    const { tf, model } = await randomModel(size, 3 + size);
    const x = tf
      .randomNormal([2, size, size, 3], 0, 0.5, 'float32', size)
      .dataSync() as Float32Array;
    const onnx = await createOnnxEngine(model);
    const tfjs = createTfjsEngine(model);
    const a = await onnx.forward(x, 2, ['add_12']);
    const b = await tfjs.forward(x, 2, ['add_12']);
    assert.ok(
      maxAbsDiff(a.probabilities, b.probabilities) <= 1e-5,
      `probabilities differ by ${maxAbsDiff(a.probabilities, b.probabilities)}`,
    );
    const scale = maxAbs(b.logits);
    assert.ok(maxAbsDiff(a.logits, b.logits) <= 1e-4 * Math.max(scale, 1), 'logits');
    assert.deepEqual(a.activations.add_12.shape, b.activations.add_12.shape, 'add_12 NHWC shape');
    const s12 = maxAbs(b.activations.add_12.data);
    assert.ok(
      maxAbsDiff(a.activations.add_12.data, b.activations.add_12.data) <= 1e-4 * s12,
      'add_12 activations',
    );
    await onnx.dispose();
    await tfjs.dispose();
    model.dispose();
  });
}

test('probabilities of the bundled models: ONNX Runtime = TF.js within 1e-5 on their test images', async () => {
  const tf = await setupTf();
  const dirs = ['CC_R_model', 'models/CC_L_model', 'models/MLO_L_model', 'models/MLO_R_model'];
  for (const dir of dirs) {
    const { model, metadata } = await loadDensityModel(path.join(ROOT, dir));
    const projection = metadata.projection!;
    const images = fs
      .readdirSync(path.join(ROOT, 'TestSet', projection), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.png'))
      .slice(0, 4)
      .map((f) => path.join(ROOT, 'TestSet', projection, f));
    assert.ok(images.length > 0, `${projection}: test images`);
    const { loadImage } = await import('../../lib/data/loadImage');
    const tensors = [];
    for (const f of images)
      tensors.push(preprocessForNetwork(await loadImage(f), metadata.inputSize));
    const x = tf.stack(tensors);
    const data = x.dataSync() as Float32Array;
    tf.dispose([x, ...tensors]);
    const onnx = await createOnnxEngine(model);
    const tfjs = createTfjsEngine(model);
    const a = await onnx.forward(data, images.length);
    const b = await tfjs.forward(data, images.length);
    assert.ok(
      maxAbsDiff(a.probabilities, b.probabilities) <= 1e-5,
      `${dir}: ${maxAbsDiff(a.probabilities, b.probabilities)}`,
    );
    await onnx.dispose();
    await tfjs.dispose();
    model.dispose();
  }
});

const GRADIENT_CASES: { size: number; layer: string }[] = [
  { size: 64, layer: 'add_11' },
  { size: 64, layer: 'add_6' },
  { size: 64, layer: 'add_1' },
  { size: 64, layer: 'input_1' },
  { size: 97, layer: 'add_9' },
  { size: 97, layer: 'add_3' },
  { size: 97, layer: 'input_1' },
];
/**
 * TF.js autodiff on its `cpu` backend (TF.js's own kernels) is the reference for `input_1`, below
 * the stem MaxPool; the other layers are compared on the active backend. (wasm's own MaxPoolGrad
 * is wrong on all-negative windows; the project replaces it, and the next test checks the
 * replacement on the whole network against ONNX Runtime and finite differences.)
 */
async function referenceGradients(
  tf: typeof TF,
  model: TF.LayersModel,
  x: Float32Array,
  layer: string,
  targets: number[],
) {
  const active = tf.getBackend();
  const onCpu = layer === 'input_1' && active !== 'cpu';
  if (onCpu) await tf.setBackend('cpu');
  const engine = createTfjsEngine(model);
  try {
    return await engine.gradients(x, 2, layer, targets);
  } finally {
    await engine.dispose();
    if (onCpu) await tf.setBackend(active);
  }
}
for (const c of GRADIENT_CASES) {
  test(`gradients at ${c.layer} (${c.size}×${c.size}): the ONNX map graph = TF.js autodiff`, async () => {
    const { tf, model } = await randomModel(c.size, 7);
    const x = tf
      .randomNormal([2, c.size, c.size, 3], 0, 0.5, 'float32', 1)
      .dataSync() as Float32Array;
    const onnx = await createOnnxEngine(model);
    const targets = [-1, 2];
    const a = await onnx.gradients(x, 2, c.layer, targets);
    const b = await referenceGradients(tf, model, x, c.layer, targets);
    assert.deepEqual(a.targets, b.targets, 'targets (the predicted class resolved in the graph)');
    assert.deepEqual(a.predicted, b.predicted);
    assert.deepEqual(a.gradients.shape, b.gradients.shape, 'NHWC gradient shape');
    const scale = maxAbs(b.gradients.data);
    assert.ok(scale > 0, 'non-zero gradients');
    // Per-tensor relative L2 within 5e-4: float32 rounding through the whole network depends on
    // the CPU's convolution kernels (max |Δ| / max |g| below 1e-4 on an Intel AVX-512 machine,
    // 1e-3 at add_1 and input_1 on an AMD EPYC, where the relative L2 is 1.1e-4 and 1.4e-4). A
    // wrong rule is far above it (a dropped MaxPool window gave 40 %).
    const d = relativeL2Error(a.gradients.data, b.gradients.data);
    assert.ok(
      d <= 5e-4,
      `relative L2 |ONNX − TF.js| = ${d} (max |Δ| ${maxAbsDiff(a.gradients.data, b.gradients.data)}, scale ${scale})`,
    );
    assert.equal(a.activations === null, c.layer === 'input_1');
    await onnx.dispose();
    model.dispose();
  });
}

test('input gradient: ONNX Runtime = TF.js on wasm = central finite differences', async () => {
  const { tf, model } = await randomModel(64, 7);
  assert.equal(tf.getBackend(), 'wasm', 'this test checks the wasm MaxPoolGrad replacement');
  const x = tf.randomNormal([2, 64, 64, 3], 0, 0.5, 'float32', 1).dataSync() as Float32Array;
  const onnx = await createOnnxEngine(model);
  const wasm = createTfjsEngine(model);
  const a = (await onnx.gradients(x, 2, 'input_1', [2, 2])).gradients.data;
  const b = (await wasm.gradients(x, 2, 'input_1', [2, 2])).gradients.data;
  // With wasm's own MaxPoolGrad the two differed by about 40 % of the scale (windows dropped).
  const d = relativeL2Error(a, b);
  assert.ok(d <= 5e-4, `relative L2 |ONNX − wasm| ${d}, max |Δ| ${maxAbsDiff(a, b)}`);
  const score = async (v: Float32Array) => (await onnx.forward(v, 2)).logits[4 + 2];
  const largest = Array.from(a.keys())
    .filter((i) => i >= 64 * 64 * 3)
    .sort((i, j) => Math.abs(a[j]) - Math.abs(a[i]));
  for (const i of largest.slice(0, 3)) {
    const eps = 3e-3;
    const plus = x.slice();
    const minus = x.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const fd = ((await score(plus)) - (await score(minus))) / (2 * eps);
    // Float32 differences through LeakyReLU kinks are noisy: within 20 % of the finite difference.
    const msg = `pixel ${i}: finite difference ${fd}, ONNX ${a[i]}, TF.js wasm ${b[i]}`;
    assert.ok(Math.abs(fd - a[i]) <= 0.2 * Math.abs(fd) + 2e-5, msg);
  }
  await onnx.dispose();
  await wasm.dispose();
  model.dispose();
});

const MAP_CASES = [
  { method: 'gradcam', layer: 'add_12' },
  { method: 'gradcam', layer: 'add_9' },
  { method: 'gradcam++', layer: 'add_9' },
] as const;
test('maps of a phantom at 650×650: ONNX Runtime = TF.js autodiff (normalised maps within 1e-4)', async () => {
  const { tf, model } = await randomModel(650, 5);
  const phantom = generatePhantom({
    seed: 11,
    projection: 'CC_R',
    denseFraction: 0.45,
    width: 650,
    height: 1100,
  });
  const x = tf.tidy(
    () => preprocessForNetwork(phantom.image, [650, 650]).expandDims(0) as TF.Tensor4D,
  );
  const engine = await createOnnxEngine(model);
  for (const c of MAP_CASES) {
    const a = await createCam(model, c.method, { layer: c.layer, engine }).compute(x);
    const b = await createCam(model, c.method, { layer: c.layer, gradients: 'autodiff' }).compute(
      x,
    );
    assert.deepEqual(a.layerShape.slice(0, 2), b.layerShape.slice(0, 2));
    if (c.layer === 'add_12')
      assert.deepEqual(a.layerShape, [21, 21, 256], 'add_12 is 21×21 at 650');
    const d = maxAbsDiff(a.maps[0], b.maps[0]);
    assert.ok(d <= 1e-4, `${c.method} ${c.layer}: normalised maps differ by ${d}`);
  }
  await engine.dispose();
  x.dispose();
  model.dispose();
});

test('DENSITY_ENGINE: onnx, tfjs, auto or empty; anything else is a usage error', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'auto'],
    ['', 'auto'],
    ['auto', 'auto'],
    ['onnx', 'onnx'],
    [' TFJS ', 'tfjs'],
  ];
  for (const [v, want] of cases) assert.equal(requestedEngine(v), want, JSON.stringify(v));
  assert.throws(
    () => requestedEngine('wasm'),
    (e: unknown) =>
      e instanceof UsageError && /expected one of onnx, tfjs or auto, got "wasm"/.test(e.message),
  );
});

test('engine choice: ONNX Runtime by default; a model the export cannot take falls back to TF.js, or fails when onnx is forced', async () => {
  const tf = await setupTf();
  const model = createDensityModel({ inputSize: 32, seed: 1 });
  const lines: string[] = [];
  const e = await createDensityEngine(model, { engine: 'auto', report: (l) => lines.push(l) });
  assert.equal(e.kind, 'onnx');
  assert.match(
    lines[0],
    /^breast-density: engine ONNX Runtime \d+\.\d+\.\d+ \(cpu, \d+ threads?\)$/,
  );
  await e.dispose();
  // A Conv2D with a fused activation is not in the export's op set.
  const inp = tf.input({ shape: [16, 16, 3] });
  const conv = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, activation: 'relu' })
    .apply(inp) as TF.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as TF.SymbolicTensor;
  const out = tf.layers
    .dense({ units: 4, activation: 'softmax' })
    .apply(pooled) as TF.SymbolicTensor;
  const odd = tf.model({ inputs: inp, outputs: out });
  lines.length = 0;
  const fallback = await createDensityEngine(odd, { report: (l) => lines.push(l) });
  assert.equal(fallback.kind, 'tfjs');
  assert.match(lines[0], /engine TensorFlow\.js .*ONNX Runtime unavailable: .*fused activation/);
  await fallback.dispose();
  await assert.rejects(
    createDensityEngine(odd, { engine: 'onnx', report: null }),
    (err: unknown) =>
      err instanceof UsageError && /"onnx" was forced .* cannot start/.test(err.message),
  );
  const forced = await createDensityEngine(model, { engine: 'tfjs', report: (l) => lines.push(l) });
  assert.equal(forced.kind, 'tfjs');
  assert.match(lines.at(-1)!, /, forced$/);
  await forced.dispose();
  odd.dispose();
  model.dispose();
});

test('engine inputs are checked: wrong length, bad batch, bad targets, use after dispose', async () => {
  const { tf, model } = await randomModel(32, 2);
  for (const engine of [await createOnnxEngine(model), createTfjsEngine(model)]) {
    const x = new Float32Array(2 * 32 * 32 * 3);
    await assert.rejects(
      engine.forward(x, 3),
      /expected 3 image\(s\) of 32×32×3 \(9216 values\), got 6144 values/,
    );
    await assert.rejects(engine.forward(x, 0), /expected 0 image/);
    if (engine.kind === 'onnx') {
      await assert.rejects(
        engine.gradients(x, 2, 'add_6', [0, 9]),
        /expected 2 targets in -1…3, got \[0, 9\]/,
      );
      await assert.rejects(
        engine.gradients(x, 2, 'nope', [0, 1]),
        /layer "nope" is not in the ONNX graph/,
      );
    }
    await engine.dispose();
    await assert.rejects(engine.forward(x, 2), /used after dispose/);
  }
  void tf;
  model.dispose();
});
