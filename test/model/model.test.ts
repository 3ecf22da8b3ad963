import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import type * as TF from '@tensorflow/tfjs';
import { setupTf, leakedTensors } from '../helpers/tf';
import { referencePath, referenceSkip } from '../helpers/reference';
import { createDensityModel, modelSummary, formatModelSummary, LAST_ADD_LAYER } from '../../lib/model';

interface RefRow {
  name: string;
  cls: string;
  shape: string;
  params: number;
  inbound: string[];
}

/** Parse Keras 2.2.4's fixed-width summary table. */
function parseKerasSummary(text: string): RefRow[] {
  const rows: RefRow[] = [];
  for (const line of text.split('\n')) {
    if (/^[_=]+$/.test(line.trim()) || line.startsWith('Layer (type)') || line.includes('params:'))
      continue;
    if (!line.trim()) continue;
    const conn = line
      .slice(65)
      .trim()
      .replace(/\[0\]\[0\]$/, '');
    if (line.slice(0, 65).trim() === '') {
      rows[rows.length - 1].inbound.push(conn);
      continue;
    }
    const m = /^(\S+) \((\w+)/.exec(line);
    assert.ok(m, `unparsed summary line: ${line}`);
    rows.push({
      name: m[1],
      cls: m[2],
      shape: line.slice(32, 53).trim(),
      params: Number(line.slice(53, 65).trim()),
      inbound: conn ? [conn] : [],
    });
  }
  return rows;
}

test('original architecture: parameter totals and add_12 shape at 650x650', async () => {
  const tf = await setupTf();
  const model = createDensityModel({ inputSize: 650, seed: 1 });
  const s = modelSummary(model);
  assert.equal(s.total_params, 2_262_660);
  assert.equal(s.trainable_params, 2_249_988);
  assert.equal(s.non_trainable_params, 12_672);
  const add12 = s.layers.find((l) => l.name === LAST_ADD_LAYER);
  assert.deepEqual(add12?.output_shape, [null, 21, 21, 256]);
  assert.equal(s.layers.filter((l) => l.class === 'Conv2D').length, 41);
  assert.equal(s.layers.filter((l) => l.class === 'Add').length, 12);
  assert.equal(s.layers.filter((l) => l.class === 'LeakyReLU').length, 37);
  const before = tf.memory().numTensors;
  model.dispose();
  assert.ok(tf.memory().numTensors < before, 'dispose releases the weights');
});

const sizeCases: {
  size: number | [number, number];
  add12: [number, number];
  stem: [number, number];
}[] = [
  { size: 64, add12: [2, 2], stem: [32, 32] },
  { size: 96, add12: [3, 3], stem: [48, 48] },
  { size: [80, 48], add12: [3, 2], stem: [40, 24] },
];
for (const c of sizeCases) {
  test(`any input size works: ${JSON.stringify(c.size)}`, async () => {
    const tf = await setupTf();
    const model = createDensityModel({ inputSize: c.size, seed: 3 });
    const s = modelSummary(model);
    assert.deepEqual(s.layers.find((l) => l.name === 'add_12')?.output_shape, [
      null,
      ...c.add12,
      256,
    ]);
    assert.deepEqual(s.layers.find((l) => l.name === 'conv2d_1')?.output_shape, [
      null,
      ...c.stem,
      64,
    ]);
    assert.equal(s.total_params, 2_262_660);
    const [h, w] = typeof c.size === 'number' ? [c.size, c.size] : c.size;
    const leaked = await leakedTensors(async () => {
      const y = tf.tidy(() => model.predict(tf.randomNormal([2, h, w, 3])) as TF.Tensor);
      const p = await y.array();
      y.dispose();
      assert.equal((p as number[][]).length, 2);
      for (const row of p as number[][]) {
        assert.equal(row.length, 4);
        assert.ok(
          Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5,
          `softmax row sums to ${row}`,
        );
      }
    });
    assert.equal(leaked, 0);
    model.dispose();
  });
}

test('seeded construction is reproducible; linear head gives logits', async () => {
  const tf = await setupTf();
  const a = createDensityModel({ inputSize: 64, seed: 42 });
  const b = createDensityModel({ inputSize: 64, seed: 42, headActivation: 'linear' });
  const wa = a.getWeights().map((w) => w.dataSync());
  const wb = b.getWeights().map((w) => w.dataSync());
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i]));
  const x = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 7);
  const p = a.predict(x) as TF.Tensor;
  const logits = b.predict(x) as TF.Tensor;
  const soft = tf.softmax(logits);
  const diff = tf.max(tf.abs(tf.sub(p, soft))).dataSync()[0];
  assert.ok(diff < 1e-6, `softmax(logits) differs from the softmax head by ${diff}`);
  tf.dispose([x, p, logits, soft]);
  a.dispose();
  b.dispose();
});

test('input size below 32 is refused with the value in the message', async () => {
  await setupTf();
  assert.throws(() => createDensityModel({ inputSize: 16 }), /at least 32 pixels, got 16/);
});

test(
  'every layer of the original Keras summary matches (name, class, shape, params, inbound)',
  { skip: referenceSkip('original-model-summary.txt') },
  async () => {
    await setupTf();
    const ref = parseKerasSummary(
      fs.readFileSync(referencePath('original-model-summary.txt'), 'utf8'),
    );
    assert.equal(ref.length, 136, 'layers parsed from the reference summary');
    const model = createDensityModel({ inputSize: 650, seed: 1 });
    const ours = new Map(modelSummary(model).layers.map((l) => [l.name, l]));
    const text = formatModelSummary(modelSummary(model));
    model.dispose();
    assert.equal(ours.size, ref.length, 'same number of layers');
    for (const r of ref) {
      const l = ours.get(r.name);
      assert.ok(l, `layer ${r.name} missing`);
      assert.ok(
        l.class.startsWith(r.cls) || r.cls.startsWith(l.class.slice(0, r.cls.length)),
        `${r.name}: class ${l.class} vs ${r.cls}`,
      );
      const shape = `(${l.output_shape.map((d) => (d === null ? 'None' : d)).join(', ')})`;
      assert.ok(shape.startsWith(r.shape), `${r.name}: shape ${shape} vs ${r.shape}`);
      assert.equal(l.params, r.params, `${r.name}: params`);
      assert.deepEqual(l.inbound, r.inbound, `${r.name}: inbound`);
    }
    assert.match(text, /Total params: 2,262,660/);
  },
);

test('the Keras-style summary never cuts a cell: columns widen to the longest one', () => {
  const cases: { name: string; cls: string; shape: (number | null)[]; inbound: string[] }[] = [
    { name: 'input_1', cls: 'InputLayer', shape: [null, 64, 64, 3], inbound: [] },
    // Longer than Keras's 32 / 21 columns (a 650×650 model's names and shapes get there).
    {
      name: 'batch_normalization_41_long',
      cls: 'BatchNormalization',
      shape: [null, 1024, 1024, 2048],
      inbound: ['conv2d_41'],
    },
    {
      name: 'add_12',
      cls: 'Add',
      shape: [null, 2, 2, 256],
      inbound: ['leaky_re_lu_40_with_a_long_name', 'leaky_re_lu_37'],
    },
  ];
  const summary = {
    total_params: 3,
    trainable_params: 3,
    non_trainable_params: 0,
    layers: cases.map((c) => ({
      name: c.name,
      class: c.cls,
      output_shape: c.shape,
      params: 1,
      inbound: c.inbound,
    })),
  };
  const text = formatModelSummary(summary);
  for (const c of cases) {
    assert.ok(text.includes(`${c.name} (${c.cls}) `), `${c.name}: name and type whole`);
    assert.ok(
      text.includes(`(${c.shape.map((d) => d ?? 'None').join(', ')}) `),
      `${c.name}: shape whole`,
    );
    for (const n of c.inbound) assert.ok(text.includes(`${n}[0][0]`), `${c.name}: inbound ${n}`);
  }
  const lines = text.split('\n');
  const rule = lines[0].length;
  assert.ok(
    lines.every((l) => l.length <= rule),
    'no line longer than the rules',
  );
  const header = lines[1];
  assert.equal(
    header.indexOf('Output Shape'),
    'batch_normalization_41_long (BatchNormalization) '.length,
  );
});
