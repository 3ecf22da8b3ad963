import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type * as TF from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { errorLines, runCli } from '../helpers/cli';
import { createDensityModel } from '../../lib/model';
import {
  createModelMetadata,
  loadDensityModel,
  readModelMetadata,
  saveDensityModel,
  MODEL_JSON,
} from '../../lib/modelFiles';
import { InputError } from '../../lib/errors';

async function savedModel(size = 64): Promise<string> {
  const dir = path.join(makeTmpDir(), 'model');
  const model = createDensityModel({ inputSize: size, seed: 11 });
  await saveDensityModel(
    model,
    dir,
    createModelMetadata([size, size], { createdBy: 'init', backend: 'wasm' }, 'CC_R'),
  );
  model.dispose();
  return dir;
}

test('save → load reproduces predictions bit for bit, with metadata', async () => {
  const tf = await setupTf();
  const dir = path.join(makeTmpDir(), 'model');
  const model = createDensityModel({ inputSize: 64, seed: 5 });
  // Non-trivial BN statistics, so the moving mean/variance round trip is tested too.
  model.getLayer('batch_normalization_3').setWeights(
    model
      .getLayer('batch_normalization_3')
      .getWeights()
      .map((w, i) => (i >= 2 ? tf.randomUniform(w.shape, 0.5, 2, 'float32', i) : w)),
  );
  const meta = createModelMetadata(
    [64, 64],
    { createdBy: 'init', backend: 'wasm', epochs: 0 },
    'MLO_L',
  );
  await saveDensityModel(model, dir, meta);
  const x = tf.randomNormal([3, 64, 64, 3], 0, 1, 'float32', 9);
  const before = (model.predict(x) as TF.Tensor).dataSync();
  const loaded = await loadDensityModel(dir);
  const after = (loaded.model.predict(x) as TF.Tensor).dataSync();
  assert.deepEqual(Array.from(after), Array.from(before));
  assert.deepEqual(loaded.metadata, meta);
  assert.deepEqual(readModelMetadata(dir).inputSize, [64, 64]);
  // Every weight identical, by name.
  const a = model.weights.map((w) => w.read().dataSync());
  const b = loaded.model.weights.map((w) => w.read().dataSync());
  a.forEach((w, i) =>
    assert.deepEqual(Array.from(b[i]), Array.from(w), model.weights[i].originalName),
  );
  model.dispose();
  loaded.model.dispose();
  x.dispose();
});

test('saving again replaces the shards and keeps other files in the directory', async () => {
  await setupTf();
  const dir = await savedModel();
  fs.writeFileSync(path.join(dir, 'README.md'), 'notes');
  const firstShards = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
  const model = createDensityModel({ inputSize: 64, seed: 12 });
  await saveDensityModel(model, dir, createModelMetadata([64, 64], { createdBy: 'init' }));
  model.dispose();
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.includes('README.md'));
  const shards = files.filter((f) => f.endsWith('.bin'));
  assert.equal(shards.length, firstShards.length);
  assert.notDeepEqual(shards, firstShards, 'new weights, new shard names');
  assert.ok(!files.some((f) => f.includes('.tmp-')), `no temporaries left: ${files}`);
});

type Corruption = { name: string; corrupt: (dir: string) => void; message: RegExp };
const corruptions: Corruption[] = [
  {
    name: 'truncated weights file',
    corrupt: (dir) => {
      const shard = fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!;
      const p = path.join(dir, shard);
      fs.truncateSync(p, fs.statSync(p).size - 100);
    },
    message: /\.bin: weight data is \d+ bytes, model\.json expects \d+ \(truncated or wrong file\)/,
  },
  {
    name: 'missing shard',
    corrupt: (dir) =>
      fs.rmSync(
        path.join(
          dir,
          fs.readdirSync(dir).find((f) => f.endsWith('.bin'))!,
        ),
      ),
    message: /weight shard named in model\.json is missing/,
  },
  {
    name: 'model.json not JSON',
    corrupt: (dir) => fs.writeFileSync(path.join(dir, MODEL_JSON), '{"modelTopology": '),
    message: /model\.json: not valid JSON/,
  },
  {
    name: 'missing model.json',
    corrupt: (dir) => fs.rmSync(path.join(dir, MODEL_JSON)),
    message: /model\.json: missing \(not a model directory\)/,
  },
  {
    name: 'no project metadata',
    corrupt: (dir) => {
      const j = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
      delete j.userDefinedMetadata;
      fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(j));
    },
    message: /model metadata is missing/,
  },
  {
    name: 'weight shape mismatch',
    corrupt: (dir) => {
      const j = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
      const w = j.weightsManifest[0].weights;
      // Swap the shapes of two weights with the same size but different shapes.
      const k = w.findIndex((e: { name: string }) => e.name.endsWith('conv2d_1/kernel'));
      w[k].shape = [3, 3, 64, 3];
      fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(j));
    },
    message:
      /model\.json: weights do not match the model: conv2d_1\/kernel has shape \[3,3,64,3\], the layer needs \[3,3,3,64\]/,
  },
  {
    name: 'metadata input size differs from topology',
    corrupt: (dir) => {
      const j = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
      j.userDefinedMetadata.breastDensity.inputSize = [96, 96];
      fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(j));
    },
    message: /metadata inputSize \[96,96\] does not match the topology input/,
  },
];

for (const c of corruptions) {
  test(`a corrupt model directory gives one clear error: ${c.name}`, async () => {
    const tf = await setupTf();
    const dir = await savedModel();
    c.corrupt(dir);
    const before = tf.memory().numTensors;
    await assert.rejects(loadDensityModel(dir), (err: unknown) => {
      assert.ok(err instanceof InputError, `InputError expected, got ${err}`);
      assert.match(err.message, c.message);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    });
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked by the failed load');
    const cli = runCli(['info', dir]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, c.message);
    assert.equal(errorLines(cli.stderr).length, 1, `one error line on stderr: ${cli.stderr}`);
  });
}

test('info prints the metadata of a saved model', async () => {
  await setupTf();
  const dir = await savedModel();
  const r = runCli(['info', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.deepEqual(info.inputSize, [64, 64]);
  assert.equal(info.projection, 'CC_R');
  assert.equal(info.total_params, 2_262_660);
  assert.deepEqual(info.classNames, ['A', 'B', 'C', 'D']);
});
