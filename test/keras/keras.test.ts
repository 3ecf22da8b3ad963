/**
 * import-keras: Keras 2.2.4-layout HDF5 fixtures written by scripts/make-keras-fixture.py (Debian's
 * python3-h5py + numpy, no TensorFlow), imported with jsfive and checked bit for bit and against
 * a forward pass computed independently in numpy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as TF from '@tensorflow/tfjs';
import { leakedTensors, setupTf } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { runCli } from '../helpers/cli';
import {
  checkKerasArchitecture,
  importKerasFile,
  importKerasModel,
  parseKerasModelConfig,
  readKerasHdf5,
  readStringListAttribute,
  renumberKerasLayers,
} from '../../lib/keras';
import { createDensityModel } from '../../lib/model';
import { loadDensityModel, readModelMetadata } from '../../lib/modelFiles';
import { InputError } from '../../lib/errors';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'make-keras-fixture.py');

function pythonSkip(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
  return r.status === 0
    ? false
    : `${PYTHON} with h5py and numpy is needed to write the Keras fixture (apt-get install python3-h5py python3-numpy): ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
}
const skip = pythonSkip();

interface Expected {
  size: number;
  layer_names: string[];
  input_shape: number[];
  input: number[];
  logits: number[];
  probabilities: number[];
  weights: Record<string, { shape: number[]; sha256: string }>;
}

let fixtureDir = '';
/** Write the fixture once per run into a temp dir (about 1 s, 55 MB). */
function fixture(name: string): string {
  if (!fixtureDir) {
    fixtureDir = makeTmpDir('bd-keras-');
    const r = spawnSync(PYTHON, [SCRIPT, fixtureDir, '--size', '64', '--seed', '1'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `make-keras-fixture.py failed: ${r.stderr}`);
  }
  return path.join(fixtureDir, name);
}
function expected(): Expected {
  return JSON.parse(fs.readFileSync(fixture('expected.json'), 'utf8'));
}

function assertClose(actual: ArrayLike<number>, wanted: number[], tol: number, what: string): void {
  assert.equal(actual.length, wanted.length, what);
  for (let i = 0; i < wanted.length; i++) {
    assert.ok(
      Math.abs(actual[i] - wanted[i]) <= tol,
      `${what}[${i}]: ${actual[i]} vs ${wanted[i]} (tolerance ${tol})`,
    );
  }
}

test(
  'whole-model file → model directory: every tensor bit for bit, metadata, prediction = numpy',
  { skip },
  async () => {
    const tf = await setupTf();
    const exp = expected();
    const out = path.join(makeTmpDir(), 'imported');
    const r = await importKerasFile(fixture('whole.h5'), out, { projection: 'CC_R' });
    assert.equal(r.imported.kind, 'model');
    assert.equal(r.imported.kerasVersion, '2.2.4');
    assert.equal(r.imported.kerasBackend, 'tensorflow');
    assert.deepEqual(r.imported.inputSize, [64, 64]);
    assert.equal(r.imported.inputSizeFrom, 'model_config');
    assert.equal(r.imported.weightCount, 248);
    assert.equal(r.imported.parameterCount, 2_262_660);
    assert.deepEqual(r.imported.notes, []);

    const { model, metadata } = await loadDensityModel(out);
    try {
      assert.equal(metadata.provenance.createdBy, 'import-keras');
      assert.equal(metadata.provenance.source, path.resolve(fixture('whole.h5')));
      assert.equal(metadata.provenance.kerasVersion, '2.2.4');
      assert.equal(metadata.projection, 'CC_R');
      assert.deepEqual(metadata.inputSize, [64, 64]);
      // Bit for bit: sha256 of each saved tensor's float32 bytes = the fixture's (computed by numpy).
      const seen = new Set<string>();
      for (const w of model.weights) {
        const want = exp.weights[w.originalName];
        assert.ok(want, `${w.originalName} is not in the fixture`);
        assert.deepEqual(w.shape, want.shape, w.originalName);
        const data = w.read().dataSync() as Float32Array;
        const hash = createHash('sha256')
          .update(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
          .digest('hex');
        assert.equal(hash, want.sha256, `${w.originalName} differs from the fixture`);
        seen.add(w.originalName);
      }
      assert.equal(seen.size, Object.keys(exp.weights).length);
      // Layer order of the model = Keras model.layers order written in layer_names.
      assert.deepEqual(
        model.layers.map((l) => l.name),
        exp.layer_names,
      );
      const x = tf.tensor(exp.input, exp.input_shape);
      const y = model.predict(x) as TF.Tensor;
      assertClose(y.dataSync(), exp.probabilities, 1e-4, 'probabilities');
      tf.dispose([x, y]);
    } finally {
      model.dispose();
    }
  },
);

test(
  'weights-only file imports too; logits (linear head) match numpy to 1e-4',
  { skip },
  async () => {
    const tf = await setupTf();
    const exp = expected();
    const leaked = await leakedTensors(() => {
      const r = importKerasModel(fixture('weights.h5'), {
        inputSize: 64,
        headActivation: 'linear',
      });
      assert.equal(r.contents.kind, 'weights');
      assert.equal(r.contents.modelConfig, null);
      assert.equal(r.inputSizeFrom, 'option');
      const x = tf.tensor(exp.input, exp.input_shape);
      const y = r.model.predict(x) as TF.Tensor;
      assertClose(y.dataSync(), exp.logits, 1e-4, 'logits');
      const logitSpread = Math.max(...exp.logits) - Math.min(...exp.logits);
      assert.ok(logitSpread > 1, `fixture logits too flat to test anything: ${exp.logits}`);
      tf.dispose([x, y]);
      r.model.dispose();
    });
    assert.equal(leaked, 0, 'tensors leaked');
  },
);

test('weights-only file without --size: 650×650 default, with a note', { skip }, async () => {
  await setupTf();
  const r = importKerasModel(fixture('weights.h5'));
  try {
    assert.deepEqual(r.inputSize, [650, 650]);
    assert.equal(r.inputSizeFrom, 'default');
    assert.match(r.notes.join('\n'), /records no input size .*using 650x650/);
    assert.deepEqual(r.model.inputs[0].shape, [null, 650, 650, 3]);
  } finally {
    r.model.dispose();
  }
});

test('--size different from the model_config size is allowed and noted', { skip }, async () => {
  await setupTf();
  const r = importKerasModel(fixture('whole.h5'), { inputSize: 96 });
  try {
    assert.deepEqual(r.inputSize, [96, 96]);
    assert.deepEqual(r.fileInputSize, [64, 64]);
    assert.match(r.notes[0], /96x96 requested; the file's model was built for 64x64/);
  } finally {
    r.model.dispose();
  }
});

test(
  'a model built later in a Keras session (conv2d_42…82) imports, renumbered, same prediction',
  { skip },
  async () => {
    const tf = await setupTf();
    const exp = expected();
    const r = importKerasModel(fixture('renumbered.h5'), { headActivation: 'linear' });
    try {
      assert.equal(r.inputSizeFrom, 'model_config');
      assert.match(
        r.notes.join('\n'),
        /^layer names renumbered: input_2 → input_1, conv2d_42…conv2d_82 → conv2d_1…conv2d_41, batch_normalization_42…batch_normalization_82 → batch_normalization_1…batch_normalization_41, leaky_re_lu_38…leaky_re_lu_74 → leaky_re_lu_1…leaky_re_lu_37, /,
      );
      const x = tf.tensor(exp.input, exp.input_shape);
      const y = r.model.predict(x) as TF.Tensor;
      assertClose(y.dataSync(), exp.logits, 1e-4, 'logits');
      tf.dispose([x, y]);
    } finally {
      r.model.dispose();
    }
  },
);

test('renumberKerasLayers: a constant shift per prefix only', () => {
  const model = ['input_1', 'conv2d_1', 'conv2d_2', 'add_1', 'dense_1'];
  const cases: { file: string[]; renames: [string, string][] }[] = [
    { file: model, renames: [] },
    {
      file: ['input_3', 'conv2d_5', 'conv2d_6', 'add_1', 'dense_2'],
      renames: [
        ['input_3', 'input_1'],
        ['conv2d_5', 'conv2d_1'],
        ['conv2d_6', 'conv2d_2'],
        ['dense_2', 'dense_1'],
      ],
    },
    {
      // tf.keras (TF 2) naming: the first layer of a kind has no suffix.
      file: ['input_1', 'conv2d', 'conv2d_1', 'add', 'dense'],
      renames: [
        ['conv2d', 'conv2d_1'],
        ['conv2d_1', 'conv2d_2'],
        ['add', 'add_1'],
        ['dense', 'dense_1'],
      ],
    },
    { file: ['conv2d_5', 'conv2d_7'], renames: [] }, // not a constant shift
    { file: ['conv2d_5', 'conv2d_6', 'conv2d_7'], renames: [] }, // count differs
  ];
  for (const c of cases) {
    assert.deepEqual([...renumberKerasLayers(c.file, model)], c.renames, c.file.join(','));
  }
});

const mismatchCases: { file: string; message: RegExp }[] = [
  {
    file: 'bad-missing.h5',
    message:
      /bad-missing\.h5: weights do not match the breast-density ResNet \(1 difference\): layer batch_normalization_5 \(BatchNormalization\) is missing from the file$/,
  },
  {
    file: 'bad-shape.h5',
    message:
      /\(7 differences\): conv2d_3\/kernel has shape \[3,3,64,32\] in the file, \[3,3,64,64\] expected; conv2d_3\/bias has shape \[32\] in the file, \[64\] expected; .*; and 2 more$/,
  },
  {
    file: 'bad-arch.h5',
    message:
      /\(3 differences\): dense_1\/kernel has shape \[256,5\] in the file, \[256,4\] expected; dense_1\/bias has shape \[5\] in the file, \[4\] expected; layer conv2d_42 of the file is not in this architecture$/,
  },
];
for (const c of mismatchCases) {
  test(
    `mismatch: ${c.file} → one InputError listing the differences, no tensors leaked`,
    { skip },
    async () => {
      await setupTf();
      const leaked = await leakedTensors(() => {
        assert.throws(
          () => importKerasModel(fixture(c.file), { inputSize: 64 }),
          (err: unknown) => err instanceof InputError && c.message.test(err.message),
        );
      });
      assert.equal(leaked, 0);
      // Through importKerasFile (what the CLI runs): the same error, and no output directory.
      const out = path.join(makeTmpDir(), 'm');
      await assert.rejects(importKerasFile(fixture(c.file), out, { inputSize: 64 }), c.message);
      assert.equal(fs.existsSync(out), false);
    },
  );
}

test(
  'model_config of a different architecture (stride, slope, connection, class) is refused',
  { skip },
  async () => {
    await setupTf();
    const contents = readKerasHdf5(fixture('whole.h5'));
    const cfg = JSON.parse(JSON.stringify(contents.modelConfig));
    const layers = cfg.config.layers as {
      name: string;
      class_name: string;
      config: Record<string, unknown>;
      inbound_nodes: unknown[][][];
    }[];
    const byName = (n: string) => layers.find((l) => l.name === n)!;
    byName('conv2d_3').config.strides = [2, 2];
    byName('leaky_re_lu_2').config.alpha = 0.1;
    byName('add_1').inbound_nodes[0].reverse();
    byName('global_average_pooling2d_1').class_name = 'GlobalMaxPooling2D';
    byName('dense_1').config.activation = 'sigmoid';
    const model = createDensityModel({ inputSize: 64 });
    try {
      // The untouched config passes.
      checkKerasArchitecture(parseKerasModelConfig(contents.modelConfig, 'f.h5'), model, 'f.h5');
      assert.throws(
        () => checkKerasArchitecture(parseKerasModelConfig(cfg, 'f.h5'), model, 'f.h5'),
        (err: unknown) =>
          err instanceof InputError &&
          err.message.startsWith(
            'f.h5: model_config layers do not match the breast-density ResNet (5 differences): ',
          ) &&
          err.message.includes('layer conv2d_3 has strides [2,2] in the file, [1,1] expected') &&
          err.message.includes('layer leaky_re_lu_2 has alpha 0.1 in the file, 0.3 expected') &&
          err.message.includes(
            'layer add_1 takes [batch_normalization_4, batch_normalization_5] in the file, [batch_normalization_5, batch_normalization_4] expected',
          ) &&
          err.message.includes(
            'layer global_average_pooling2d_1 is GlobalMaxPooling2D in the file, GlobalAveragePooling2D expected',
          ) &&
          err.message.includes(
            'layer dense_1 has activation "sigmoid" in the file, "softmax" or "linear" expected',
          ),
      );
      // A linear head (a model saved for Grad-CAM) has the same weights: accepted.
      const linear = JSON.parse(JSON.stringify(contents.modelConfig));
      linear.config.layers.find((l: { name: string }) => l.name === 'dense_1').config.activation =
        'linear';
      checkKerasArchitecture(parseKerasModelConfig(linear, 'f.h5'), model, 'f.h5');
    } finally {
      model.dispose();
    }
  },
);

test('chunked and empty Keras list attributes', () => {
  const attrs = { layer_names0: ['a\0\0', 'b'], layer_names1: ['c'], empty: new Float64Array(0) };
  assert.deepEqual(readStringListAttribute(attrs, 'layer_names', 'x'), ['a', 'b', 'c']);
  assert.deepEqual(readStringListAttribute(attrs, 'empty', 'x'), []);
  assert.equal(readStringListAttribute(attrs, 'weight_names', 'x'), null);
});

/** Write an HDF5 file with h5py: `code` runs with `f` open for writing and `np` imported. */
function h5py(file: string, code: string): void {
  const r = spawnSync(
    PYTHON,
    [
      '-c',
      `import h5py, numpy as np\nwith h5py.File(${JSON.stringify(file)}, 'w') as f:\n${code
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
}

const unreadableCases: { name: string; make: (p: string) => void; message: RegExp }[] = [
  { name: 'missing', make: () => undefined, message: /: file does not exist$/ },
  {
    name: 'empty',
    make: (p) => fs.writeFileSync(p, ''),
    message: /: empty file, expected an HDF5 file$/,
  },
  {
    name: 'text',
    make: (p) => fs.writeFileSync(p, '{"not": "hdf5"}'),
    message: /: not an HDF5 file \(no HDF5 signature at the start\)$/,
  },
  {
    name: 'truncated',
    make: (p) => fs.writeFileSync(p, fs.readFileSync(fixture('weights.h5')).subarray(0, 300_000)),
    message: /: truncated HDF5 file: 300000 bytes, its header says 9368488 \(incomplete download/,
  },
  {
    // Only the optimizer state at the end is cut: the weights would read, but the file is incomplete.
    name: 'last byte missing',
    make: (p) => {
      const b = fs.readFileSync(fixture('whole.h5'));
      fs.writeFileSync(p, b.subarray(0, b.length - 1));
    },
    message: /: truncated HDF5 file: 18507367 bytes, its header says 18507368 /,
  },
  {
    name: 'damaged structure',
    make: (p) => {
      const b = Buffer.from(fs.readFileSync(fixture('weights.h5')));
      b.fill(0xff, 100, 4000); // object headers and symbol tables overwritten, size intact
      fs.writeFileSync(p, b);
    },
    // Whatever jsfive meets first: an unreadable structure, or the Keras attributes gone.
    message: /: (unreadable HDF5 file, truncated or damaged \(|no layer_names attribute)/,
  },
  {
    name: 'model_config not JSON',
    make: (p) =>
      h5py(
        p,
        `f.attrs['model_config'] = b'{"class_name": "Model", "config": {'\ng = f.create_group('model_weights'); g.attrs['layer_names'] = np.asarray([b'input_1'])`,
      ),
    message: /: model_config attribute is not valid JSON/,
  },
  {
    name: 'integer weights',
    make: (p) =>
      h5py(
        p,
        `f.attrs['layer_names'] = np.asarray([b'conv2d_1'])\ng = f.create_group('conv2d_1'); g.attrs['weight_names'] = np.asarray([b'conv2d_1/kernel:0'])\ng['conv2d_1/kernel:0'] = np.arange(4, dtype='int32')`,
      ),
    message: /: \/conv2d_1\/conv2d_1\/kernel:0: type "<i4", expected floating point \(<f4\)$/,
  },
  {
    name: 'hdf5 without keras layout',
    make: (p) => h5py(p, `f['x'] = [1, 2]`),
    message: /: no layer_names attribute \(not a Keras weights file;/,
  },
];
for (const c of unreadableCases) {
  test(`unreadable input: ${c.name} → InputError naming the file`, { skip }, async () => {
    await setupTf();
    const file = path.join(makeTmpDir(), `${c.name.replace(/ /g, '_')}.h5`);
    c.make(file);
    assert.throws(
      () => importKerasModel(file),
      (err: unknown) =>
        err instanceof InputError && err.message.startsWith(file) && c.message.test(err.message),
    );
  });
}

test('CLI: import-keras writes a loadable model (exit 0) with its provenance', { skip }, () => {
  const dir = makeTmpDir();
  const ok = runCli([
    'import-keras',
    fixture('whole.h5'),
    '--out',
    path.join(dir, 'm'),
    '--projection',
    'CC_R',
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /whole model, Keras 2\.2\.4, tensorflow backend/);
  assert.match(ok.stdout, /248 arrays, 2,262,660 parameters/);
  assert.match(ok.stdout, /input +64x64x3 \(from the file's model_config\)/);
  const meta = readModelMetadata(path.join(dir, 'm'));
  assert.equal(meta.provenance.createdBy, 'import-keras');
  assert.equal(
    meta.provenance.command,
    `breast-density import-keras ${fixture('whole.h5')} --out ${path.join(dir, 'm')} --projection CC_R`,
  );
  assert.equal(meta.projection, 'CC_R');
});
