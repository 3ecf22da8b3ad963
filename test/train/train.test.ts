/**
 * Training: the LR schedule, history files, checkpoint names, and a real (tiny) training of the
 * full ResNet at 32×32 on a phantom set on the wasm backend: loss falls, no tensor leak, files.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { TRAINING_ENGINES } from '../helpers/trainingEngines';
import { createDensityModel } from '../../lib/model/createDensityModel';
import { createTfjsTrainingEngine } from '../../lib/train/createTfjsTrainingEngine';
import { createOnnxTrainingEngine } from '../../lib/train/createOnnxTrainingEngine';
import { generatePhantomDataset } from '../../lib/phantom/generatePhantomDataset';
import { loadDensityModel, readModelMetadata } from '../../lib/modelFiles';
import {
  createReduceLrOnPlateau,
  createOptimizer,
  setLearningRate,
  getLearningRate,
  emptyHistory,
  formatHistorySeries,
  writeHistoryFiles,
  readHistorySeries,
  improvementName,
  listCheckpoints,
  trainDensityModel,
  type EpochRecord,
} from '../../lib/train';

// ReduceLROnPlateau: [name, options, start lr, val_loss per epoch, expected lr after each epoch]
const SCHEDULE_CASES: [
  string,
  Parameters<typeof createReduceLrOnPlateau>[0],
  number,
  number[],
  number[],
][] = [
  ['improving: never reduces', { patience: 2 }, 0.01, [1, 0.9, 0.8, 0.7], [0.01, 0.01, 0.01, 0.01]],
  [
    'plateau of patience epochs reduces once, then min_lr holds',
    { patience: 2, factor: 0.1, minLr: 0.001 },
    0.01,
    [1, 1, 1, 1, 1, 1],
    [0.01, 0.01, 0.001, 0.001, 0.001, 0.001],
  ],
  [
    'min_delta: a decrease smaller than 1e-4 is no improvement',
    { patience: 1, factor: 0.5, minLr: 0 },
    0.1,
    [1, 0.99995, 0.9, 0.89999],
    [0.1, 0.05, 0.05, 0.025],
  ],
  [
    'improvement resets the wait counter',
    { patience: 2, factor: 0.5, minLr: 0 },
    0.1,
    [1, 1.1, 0.5, 0.6, 0.7],
    [0.1, 0.1, 0.1, 0.1, 0.05],
  ],
  [
    'cooldown pauses counting after a reduction',
    { patience: 1, factor: 0.5, minLr: 0, cooldown: 2 },
    0.1,
    [1, 1, 1, 1, 1, 1],
    [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125],
  ],
  [
    'original settings: 15 epochs of plateau → 0.001',
    {},
    0.01,
    Array(17).fill(2),
    [...Array(15).fill(0.01), 0.001, 0.001],
  ],
  [
    'NaN val_loss counts as no improvement',
    { patience: 1, factor: 0.1, minLr: 0 },
    1,
    [NaN, NaN],
    [0.1, 0.01],
  ],
];

for (const [name, opts, lr0, losses, expected] of SCHEDULE_CASES) {
  test(`ReduceLROnPlateau: ${name}`, () => {
    const s = createReduceLrOnPlateau(opts);
    let lr = lr0;
    const got = losses.map((v) => (lr = s.onEpochEnd(v, lr).lr));
    got.forEach((v, i) =>
      assert.ok(Math.abs(v - expected[i]) < 1e-12, `epoch ${i + 1}: ${got} vs ${expected}`),
    );
  });
}

test('ReduceLROnPlateau: state round trip continues identically', () => {
  const a = createReduceLrOnPlateau({ patience: 3, factor: 0.5, minLr: 0 });
  const losses = [1, 0.9, 0.95, 0.97, 0.99, 1, 1, 1, 1];
  let lrA = 0.1;
  for (const v of losses.slice(0, 4)) lrA = a.onEpochEnd(v, lrA).lr;
  const b = createReduceLrOnPlateau({ patience: 3, factor: 0.5, minLr: 0 });
  b.restore(JSON.parse(JSON.stringify(a.state())));
  let lrB = lrA;
  for (const v of losses.slice(4)) {
    lrA = a.onEpochEnd(v, lrA).lr;
    lrB = b.onEpochEnd(v, lrB).lr;
    assert.equal(lrB, lrA);
  }
  assert.equal(lrA, 0.025);
});

test('ReduceLROnPlateau rejects bad settings', () => {
  assert.throws(() => createReduceLrOnPlateau({ factor: 1 }), /factor must be in \(0, 1\), got 1/);
  assert.throws(() => createReduceLrOnPlateau({ patience: -1 }), /patience must be a whole number/);
});

test('optimizer learning rate can be changed keeping state', async () => {
  await setupTf();
  for (const name of ['sgd', 'sgd-nesterov', 'rmsprop'] as const) {
    const opt = createOptimizer(name);
    assert.equal(getLearningRate(opt), name === 'rmsprop' ? 0.001 : 0.01);
    setLearningRate(opt, 0.005);
    assert.equal(getLearningRate(opt), 0.005);
    // One step with lr 0.005 on f(v) = Σv² moves v by −lr·2v (SGD) for a plain SGD.
    const v = tf.variable(tf.tensor1d([1, -2]));
    opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
    const after = Array.from(v.dataSync());
    if (name === 'sgd')
      assert.deepEqual(
        after.map((x) => Number(x.toFixed(6))),
        [0.99, -1.98],
      );
    else assert.ok(after[0] < 1 && after[1] > -2, `${name}: ${after}`);
    v.dispose();
    opt.dispose();
  }
});

// [epoch, val_acc, expected name] — Keras `weights-improvement-{epoch:02d}-{val_acc:.2f}`.
const NAME_CASES: [number, number, string][] = [
  [46, 0.8, 'weights-improvement-46-0.80'],
  [5, 0.93499, 'weights-improvement-05-0.93'],
  [100, 1, 'weights-improvement-100-1.00'],
  [1, 0.005, 'weights-improvement-01-0.01'],
];
for (const [epoch, acc, name] of NAME_CASES) {
  test(`improvementName(${epoch}, ${acc}) = ${name}`, () =>
    assert.equal(improvementName(epoch, acc), name));
}

test('history files: numpy %.18e, one value a line, CSV with every column', () => {
  const dir = makeTmpDir();
  const h = emptyHistory();
  h.loss.push(1.340187407618853133, 1.25);
  h.acc.push(0.4128035320088300208, 0.5);
  h.val_loss.push(3.75, 1.5);
  h.val_acc.push(0.15789473684210525, 0.25);
  h.lr.push(0.01, 0.001);
  h.seconds.push(12.5, 11);
  writeHistoryFiles(dir, h);
  assert.equal(
    fs.readFileSync(path.join(dir, 'acc_train.txt'), 'utf8'),
    '4.128035320088300208e-01\n5.000000000000000000e-01\n',
  );
  assert.equal(formatHistorySeries([0.15789473684210525]), '1.578947368421052544e-01\n');
  assert.deepEqual(readHistorySeries(path.join(dir, 'loss_val.txt')), [3.75, 1.5]);
  assert.equal(
    fs.readFileSync(path.join(dir, 'history.csv'), 'utf8'),
    'epoch,loss,acc,val_loss,val_acc,lr,seconds\n1,1.3401874076188531,0.41280353200883,3.75,0.15789473684210525,0.01,12.5\n2,1.25,0.5,1.5,0.25,0.001,11\n',
  );
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    'acc_train.txt',
    'acc_val.txt',
    'history.csv',
    'loss_train.txt',
    'loss_val.txt',
  ]);
  h.lr.pop();
  assert.throws(() => writeHistoryFiles(dir, h), /history series lr has 1 values, expected 2/);
});

let data = '';
before(async () => {
  await setupTf();
  data = path.join(makeTmpDir(), 'phantom');
  await generatePhantomDataset(data, {
    subjects: 12,
    seed: 3,
    width: 48,
    height: 84,
    split: [0.67, 0.33, 0],
    progress: 'silent',
  });
});

for (const engine of TRAINING_ENGINES) {
  test(`${engine}: a tiny training of the real ResNet on wasm: loss falls, no leak, original files`, async () => {
    assert.equal(tf.getBackend(), 'wasm');
    const out = makeTmpDir();
    const records: EpochRecord[] = [];
    const result = await trainDensityModel({
      data,
      projection: 'CC_R',
      outDir: out,
      inputSize: 32,
      epochs: 5,
      batchSize: 4,
      optimizer: 'rmsprop',
      augment: null,
      seed: 7,
      progress: 'silent',
      engine,
      log: () => undefined,
      onEpochEnd: (r) => records.push({ ...r }),
    });
    assert.equal(result.epochsCompleted, 5);
    assert.equal(result.interrupted, false);
    const h = result.history;
    assert.equal(h.loss.length, 5);
    process.stdout.write(`# ${engine} losses ${h.loss.map((v) => v.toFixed(3))}\n`);
    // Dropout makes single epochs noisy: the better of the last two must be 25 % below the first.
    assert.ok(
      Math.min(h.loss[3], h.loss[4]) < h.loss[0] * 0.75,
      `training loss should fall: ${h.loss.map((v) => v.toFixed(3))}`,
    );
    // Same number of tensors after every epoch (the optimiser's slots exist from the first step).
    const counts = records.map((r) => r.numTensors);
    assert.deepEqual(counts, Array(5).fill(counts[0]), `numTensors per epoch ${counts}`);
    for (const f of ['acc_train.txt', 'acc_val.txt', 'loss_train.txt', 'loss_val.txt']) {
      assert.equal(readHistorySeries(path.join(out, f)).length, 5, f);
    }
    assert.ok(result.best);
    assert.equal(
      path.basename(result.best.dir),
      improvementName(result.best.epoch, result.best.valAcc),
    );
    assert.equal(result.best.valAcc, Math.max(...h.val_acc));
    const improvements = fs.readdirSync(out).filter((n) => n.startsWith('weights-improvement-'));
    assert.deepEqual(improvements, [path.basename(result.best.dir)]);
    assert.equal(listCheckpoints(out).length, 1);
    // outDir itself is now the best model, with its provenance.
    const meta = readModelMetadata(out);
    assert.deepEqual(meta.inputSize, [32, 32]);
    assert.equal(meta.projection, 'CC_R');
    assert.equal(meta.provenance.createdBy, 'train');
    assert.equal(meta.provenance.bestCheckpoint, path.basename(result.best.dir));
    const loaded = await loadDensityModel(out);
    loaded.model.dispose();
  });
}

for (const engine of TRAINING_ENGINES) {
  test(`${engine}: resume refuses other settings and a missing checkpoint`, async () => {
    const out = makeTmpDir();
    const base = {
      data,
      projection: 'CC_R' as const,
      outDir: out,
      inputSize: 32,
      progress: 'silent' as const,
      engine,
    };
    await assert.rejects(
      trainDensityModel({ ...base, resume: true }),
      /no training checkpoint to resume/,
    );
    await trainDensityModel({ ...base, epochs: 1, maxStepsPerEpoch: 1, log: () => undefined });
    await assert.rejects(
      trainDensityModel({ ...base, epochs: 2, batchSize: 2, resume: true }),
      /checkpoint was made with other settings: batchSize 4 \(now 2\)/,
    );
    // The finished run left its model: a new run there needs --overwrite (or --resume).
    await assert.rejects(
      trainDensityModel({ ...base, epochs: 2 }),
      /holds a trained model \(model\.json\); choose another --out, or pass --overwrite/,
    );
  });
}

test('--init from a model of another input size starts from its weights (progressive resizing)', async () => {
  const small = makeTmpDir();
  const base = { data, projection: 'CC_R' as const, progress: 'silent' as const, epochs: 1 };
  await trainDensityModel({
    ...base,
    outDir: small,
    inputSize: 32,
    maxStepsPerEpoch: 1,
    log: () => undefined,
  });
  const lines: string[] = [];
  const out = makeTmpDir();
  // lr 1e-30: the weights stay those of the 32×32 model (only the BN moving statistics move).
  const result = await trainDensityModel({
    ...base,
    outDir: out,
    inputSize: 40,
    initModel: small,
    learningRate: 1e-30,
    maxStepsPerEpoch: 1,
    log: (l) => lines.push(l),
  });
  assert.ok(
    lines.includes(`initialised from ${small} (trained at 32x32) at 40x40`),
    lines.join('\n'),
  );
  const meta = readModelMetadata(out);
  assert.deepEqual(meta.inputSize, [40, 40]);
  assert.equal(meta.provenance.initModel, small);
  assert.match(String(meta.provenance.trainingEngine), /^(onnx \(onnxruntime-node|tfjs)/);
  // The whole chain: the first stage's provenance is nested, and --resume keeps it even after
  // the first stage's folder is gone.
  const first = readModelMetadata(small).provenance;
  assert.deepEqual(meta.provenance.initProvenance, first);
  fs.renameSync(small, `${small}-moved`);
  await trainDensityModel({
    ...base,
    outDir: out,
    inputSize: 40,
    epochs: 2,
    resume: true,
    learningRate: 1e-30,
    maxStepsPerEpoch: 1,
    log: () => undefined,
  });
  fs.renameSync(`${small}-moved`, small);
  const resumed = readModelMetadata(out).provenance;
  assert.equal(resumed.epochs, 2);
  assert.equal(resumed.initModel, small);
  assert.deepEqual(resumed.initProvenance, first);
  // A model saved before the chain was recorded names its --init model only: the chain is read
  // from that folder when a next stage starts from it.
  const modelJson = path.join(out, 'model.json');
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  delete json.userDefinedMetadata.breastDensity.provenance.initProvenance;
  fs.writeFileSync(modelJson, JSON.stringify(json));
  const third = makeTmpDir();
  await trainDensityModel({
    ...base,
    outDir: third,
    inputSize: 40,
    initModel: out,
    maxStepsPerEpoch: 1,
    log: () => undefined,
  });
  const chain = readModelMetadata(third).provenance.initProvenance;
  assert.equal(chain?.initModel, small);
  assert.deepEqual(chain?.initProvenance, first);
  const [a, b] = [await loadDensityModel(small), await loadDensityModel(out)];
  try {
    const kernel = (m: tf.LayersModel) => m.getLayer('conv2d_7').getWeights()[0].dataSync();
    assert.deepEqual(Array.from(kernel(b.model)), Array.from(kernel(a.model)));
    assert.equal(result.epochsCompleted, 1);
  } finally {
    a.model.dispose();
    b.model.dispose();
  }
});

test('--init-mirrored starts from the kernels mirrored left-right, the rest unchanged', async () => {
  const right = makeTmpDir();
  const base = { data, projection: 'CC_R' as const, progress: 'silent' as const, epochs: 1 };
  await trainDensityModel({
    ...base,
    outDir: right,
    inputSize: 33,
    maxStepsPerEpoch: 1,
    log: () => undefined,
  });
  const lines: string[] = [];
  const left = makeTmpDir();
  await trainDensityModel({
    ...base,
    projection: 'CC_L',
    outDir: left,
    inputSize: 33,
    initModel: right,
    initMirrored: true,
    learningRate: 1e-30,
    maxStepsPerEpoch: 1,
    log: (l) => lines.push(l),
  });
  assert.ok(
    lines.includes(`initialised from ${right} (mirrored, trained at 33x33) at 33x33`),
    lines.join('\n'),
  );
  assert.equal(readModelMetadata(left).provenance.initMirrored, true);
  const [a, b] = [await loadDensityModel(right), await loadDensityModel(left)];
  try {
    for (const [layer, index] of [
      ['conv2d_1', 0],
      ['conv2d_30', 0],
      ['dense_1', 0],
      ['dense_1', 1],
    ] as const) {
      const wa = a.model.getLayer(layer).getWeights()[index];
      const wb = b.model.getLayer(layer).getWeights()[index];
      const expected = wa.rank === 4 ? tf.reverse(wa, 1) : wa;
      assert.deepEqual(
        Array.from(wb.dataSync()),
        Array.from(expected.dataSync()),
        `${layer}[${index}]`,
      );
    }
  } finally {
    a.model.dispose();
    b.model.dispose();
  }
});

test('both engines draw the same dropout masks: equal first-step losses, same generator position', async () => {
  const xs = tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const ys = tf.oneHot(tf.tensor1d([0, 2, 3], 'int32'), 4).toFloat() as tf.Tensor2D;
  const run = async (name: 'tfjs' | 'onnx') => {
    const model = createDensityModel({ inputSize: 32, seed: 9 });
    const engine =
      name === 'tfjs'
        ? createTfjsTrainingEngine(model, 'sgd', 1e-3, 5)
        : await createOnnxTrainingEngine(model, { optimizer: 'sgd', learningRate: 1e-3, seed: 5 });
    try {
      return { loss: (await engine.trainStep(xs, ys)).loss, state: engine.randomState() };
    } finally {
      await engine.dispose();
      model.dispose();
    }
  };
  const [a, b] = [await run('tfjs'), await run('onnx')];
  // The loss of a step depends on its masks (dropout 0.2 before the pooling): equal losses mean
  // equal masks in the same layout (other masks move it by 10–50 % at this initialisation).
  assert.ok(Math.abs(a.loss - b.loss) < 1e-3 * a.loss, `${a.loss} vs ${b.loss}`);
  assert.equal(a.state, b.state);
  tf.dispose([xs, ys]);
});

test('recalibrateBatchNorm: moving statistics become the average batch statistics', async () => {
  const { createDensityModel } = await import('../../lib/model');
  const { recalibrateBatchNorm } = await import('../../lib/train');
  const model = createDensityModel({ inputSize: 32, seed: 1 });
  const batches = [0, 1].map((k) =>
    tf.tidy(() => tf.add(tf.mul(tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 10 + k), 0.3), k)),
  ) as tf.Tensor4D[];
  // Expected: mean over batches of the per-batch channel mean/variance of conv2d_1's output.
  const conv = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv2d_1').output });
  const expected = tf.tidy(() => {
    const stats = batches.map((b) => tf.moments(conv.predict(b) as tf.Tensor, [0, 1, 2]));
    return [
      Array.from(tf.mean(tf.stack(stats.map((s) => s.mean)), 0).dataSync()),
      Array.from(tf.mean(tf.stack(stats.map((s) => s.variance)), 0).dataSync()),
    ];
  });
  const before = tf.memory().numTensors;
  assert.equal(await recalibrateBatchNorm(model, batches), 2);
  assert.equal(tf.memory().numTensors, before);
  const bn = model.getLayer('batch_normalization_1');
  const [, , movingMean, movingVar] = bn.getWeights();
  const got = [Array.from(movingMean.dataSync()), Array.from(movingVar.dataSync())];
  for (const k of [0, 1]) {
    const err = Math.max(...got[k].map((v, i) => Math.abs(v - expected[k][i])));
    assert.ok(err < 1e-4, `${k === 0 ? 'mean' : 'variance'} error ${err}`);
  }
  assert.equal((bn as unknown as { momentum: number }).momentum, 0.99);
  tf.dispose(batches);
  model.dispose();
});
