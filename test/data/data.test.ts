import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { leakedTensors, setupTf } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { referencePath, referenceSkip } from '../helpers/reference';
import { encodePng } from '../../lib/io/png';
import { InputError } from '../../lib/errors';
import {
  ORIGINAL_AUGMENTATION,
  applyTransform,
  augmentImage,
  createInlineImageLoader,
  loadNetworkBatch,
  parseImagePath,
  createWorkerImageLoader,
  createRng,
  datasetBatches,
  decodeImage,
  loadImage,
  lumaPil,
  pilNearestIndices,
  preprocessBatch,
  preprocessForNetwork,
  readImageDataset,
  resizeNearest,
  shuffledIndices,
  type GrayImage,
} from '../../lib/data';

function gray(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data, sourceBitDepth: 8, sourceChannels: 1 };
}

// Source indices Pillow 9.4 itself returns for Image.resize(..., NEAREST) (computed once with
// Pillow on an index image); (4 → 650) includes output pixels where (x + 0.5)·in/out is an exact
// integer, where only the running double sum Pillow uses gives its answer.
const PILLOW_NEAREST: { from: number; to: number; at: number; expect: number[] }[] = [
  {
    from: 10,
    to: 65,
    at: 0,
    expect: [
      0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4,
      4, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9,
      9, 9, 9,
    ],
  },
  { from: 7, to: 4, at: 0, expect: [0, 2, 4, 6] },
  { from: 4, to: 650, at: 480, expect: [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3] },
];
for (const c of PILLOW_NEAREST) {
  test(`Pillow NEAREST indices ${c.from} → ${c.to} match Pillow`, () => {
    const idx = Array.from(pilNearestIndices(c.from, c.to)).slice(c.at, c.at + c.expect.length);
    assert.deepEqual(idx, c.expect);
  });
}

test('Pillow NEAREST = floor((x + ½)·in/out) away from exact ties', () => {
  for (const [a, b] of [
    [1430, 650],
    [2300, 650],
    [650, 64],
    [33, 64],
    [900, 128],
  ]) {
    const idx = pilNearestIndices(a, b);
    for (let x = 0; x < b; x++) {
      if (((2 * x + 1) * a) % (2 * b) === 0) continue; // exact tie: float sum decides
      assert.equal(idx[x], Math.floor(((2 * x + 1) * a) / (2 * b)), `${a}→${b} at ${x}`);
    }
  }
});

test('network input of a known image equals an independent computation', async () => {
  const tf = await setupTf();
  // 7 wide × 5 high, values chosen so the mean is not a round number.
  const img = gray(7, 5, (x, y) => (x * 31 + y * 17 + ((x * y) % 5) * 3) % 256);
  const [h, w] = [3, 4];
  const t = preprocessForNetwork(img, [h, w]);
  assert.deepEqual(t.shape, [3, 4, 3]);
  assert.equal(t.dtype, 'float32');
  const got = t.arraySync();
  t.dispose();
  // Independent: rows 5→3 pick floor((2r+1)·5/6) = 0, 2, 4; columns 7→4 pick 0, 2, 4, 6.
  const rows = [0, 2, 4];
  const cols = [0, 2, 4, 6];
  const picked = rows.map((r) => cols.map((c) => (c * 31 + r * 17 + ((c * r) % 5) * 3) % 256));
  const mean = picked.flat().reduce((a, b) => a + b, 0) / 12;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let k = 0; k < 3; k++) {
        assert.ok(Math.abs(got[r][c][k] - (picked[r][c] - mean) / 255) < 1e-6, `(${r},${c},${k})`);
      }
    }
  }
  const batch = preprocessBatch([img, img], [h, w]);
  assert.deepEqual(batch.shape, [2, 3, 4, 3]);
  assert.deepEqual(batch.arraySync()[1], got);
  batch.dispose();
  assert.equal(await leakedTensors(() => preprocessForNetwork(img, [h, w]).dispose()), 0);
});

test('resizeNearest keeps the source when the size matches and maps every pixel otherwise', () => {
  const img = gray(6, 4, (x, y) => x + 10 * y);
  assert.equal(resizeNearest(img, [4, 6]), img);
  const up = resizeNearest(img, [8, 12]);
  assert.deepEqual(Array.from(up.data.subarray(0, 12)), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  assert.equal(up.data[8 * 12 - 1], 35);
});

// Keras apply_affine_transform (scipy.ndimage.affine_transform, order 1, mode 'nearest') of the
// 9×7 plane v = (37 i + 11) mod 256 with θ = 7°, tx = 1.3, ty = −0.8, zx = 1.1, zy = 0.9,
// computed once with scipy 1.10.
const SCIPY_AFFINE = [
  15.1026, 15.3003, 48.0231, 80.7458, 113.4685, 146.1913, 178.914, 18.378, 23.5358, 56.2585,
  88.9813, 121.704, 154.4268, 187.1495, 21.6534, 31.7713, 64.494, 97.2168, 129.9395, 162.6622,
  195.385, 24.9288, 40.0068, 72.7295, 105.4523, 138.175, 170.8977, 203.6205, 28.2042, 48.2423,
  80.965, 113.6877, 146.4105, 179.1332, 211.856, 31.4796, 56.4777, 89.2005, 121.9232, 154.646,
  187.3687, 220.0914, 34.755, 64.7132, 97.436, 130.1587, 162.8815, 195.6042, 209.3375, 37.1956,
  70.2474, 103.2991, 136.3509, 169.4027, 202.4545, 128.2195, 42.1556, 75.2074, 108.2592, 141.311,
  174.3628, 207.4146, 98.8612,
];
test('augmentation affine transform equals Keras/scipy on a known plane', () => {
  const plane = Float32Array.from({ length: 63 }, (_, i) => (i * 37 + 11) % 256);
  const out = applyTransform(plane, [9, 7], {
    theta: 7,
    tx: 1.3,
    ty: -0.8,
    zx: 1.1,
    zy: 0.9,
    flipHorizontal: false,
  });
  out.forEach((v, i) => assert.ok(Math.abs(v - SCIPY_AFFINE[i]) < 2e-3, `pixel ${i}: ${v}`));
  const flipped = applyTransform(plane, [9, 7], {
    theta: 7,
    tx: 1.3,
    ty: -0.8,
    zx: 1.1,
    zy: 0.9,
    flipHorizontal: true,
  });
  assert.ok(Math.abs(flipped[6] - SCIPY_AFFINE[0]) < 2e-3);
});

test('augmentation is deterministic from the seed and draws within the ranges', () => {
  const plane = Float32Array.from({ length: 32 * 32 }, (_, i) => (i * 7) % 251);
  const a = augmentImage(plane, [32, 32], createRng(5));
  const b = augmentImage(plane, [32, 32], createRng(5));
  const c = augmentImage(plane, [32, 32], createRng(6));
  assert.deepEqual(a.params, b.params);
  assert.deepEqual(Array.from(a.plane), Array.from(b.plane));
  assert.notDeepEqual(a.params, c.params);
  const rng = createRng(1);
  for (let i = 0; i < 200; i++) {
    const { params: p } = augmentImage(new Float32Array(16), [4, 4], rng, ORIGINAL_AUGMENTATION);
    assert.ok(Math.abs(p.theta) <= 10 && Math.abs(p.tx) <= 0.8 && Math.abs(p.ty) <= 0.8);
    assert.ok(p.zx >= 0.8 && p.zx <= 1.2 && p.zy >= 0.8 && p.zy <= 1.2 && !p.flipHorizontal);
  }
});

test('rng state can be saved and restored; shuffles are permutations', () => {
  const rng = createRng(42);
  rng.next();
  const s = rng.state();
  const seq = [rng.next(), rng.normal(), rng.int(10)];
  rng.setState(s);
  assert.deepEqual([rng.next(), rng.normal(), rng.int(10)], seq);
  const restored = createRng(s, { rawState: true });
  assert.equal(restored.next(), seq[0]);
  const perm = shuffledIndices(50, createRng(3));
  assert.deepEqual(
    [...perm].sort((x, y) => x - y),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.deepEqual(perm, shuffledIndices(50, createRng(3)));
  assert.notDeepEqual(perm, shuffledIndices(50, createRng(4)));
});

function writePng(file: string, img: GrayImage): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    encodePng({ width: img.width, height: img.height, channels: 1, bitDepth: 8, data: img.data }),
  );
}

test('loadImage: 8/16-bit gray, RGB(A) luma, JPEG; errors name the file', async () => {
  const dir = makeTmpDir();
  const g16 = Uint16Array.from([0, 257, 32768, 65535, 1000, 60000]);
  const f16 = path.join(dir, 'g16.png');
  fs.writeFileSync(f16, encodePng({ width: 3, height: 2, channels: 1, bitDepth: 16, data: g16 }));
  const i16 = await loadImage(f16);
  assert.equal(i16.sourceBitDepth, 16);
  assert.deepEqual(Array.from(i16.data), [0, 1, 128, 255, 4, 233]);
  assert.deepEqual(
    Array.from((await loadImage(f16, { sixteenBit: 'clip' })).data),
    [0, 255, 255, 255, 255, 255],
  );
  // A 12-bit image in a 16-bit file: 'scale' leaves it dark, 'window' stretches [100, 4095]
  // (2097 → round(1997 · 255 / 3995) = round(127.46) = 127).
  const f12 = path.join(dir, 'g12.png');
  const g12 = Uint16Array.from([100, 4095, 2097, 100]);
  fs.writeFileSync(f12, encodePng({ width: 2, height: 2, channels: 1, bitDepth: 16, data: g12 }));
  assert.deepEqual(Array.from((await loadImage(f12)).data), [0, 16, 8, 0]);
  assert.deepEqual(
    Array.from((await loadImage(f12, { sixteenBit: 'window' })).data),
    [0, 255, 127, 0],
  );
  const rgba = Uint8Array.from([255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 10, 20, 30, 0]);
  const frgba = path.join(dir, 'c.png');
  fs.writeFileSync(frgba, encodePng({ width: 2, height: 2, channels: 4, bitDepth: 8, data: rgba }));
  const c = await loadImage(frgba);
  assert.deepEqual(Array.from(c.data), [76, 150, 29, lumaPil(10, 20, 30)]);
  assert.equal(lumaPil(10, 20, 30), 18); // 0.299·10 + 0.587·20 + 0.114·30 = 18.15
  assert.equal(c.sourceChannels, 4);
  const { Jimp } = await import('jimp');
  const j = new Jimp({ width: 8, height: 8, color: 0x808080ff });
  const fj = path.join(dir, 'g.jpg');
  fs.writeFileSync(fj, await j.getBuffer('image/jpeg'));
  const ij = await loadImage(fj);
  assert.equal(ij.width, 8);
  assert.ok(Math.abs(ij.data[0] - 128) <= 2);
  const bad: [string, Uint8Array | string, RegExp][] = [
    ['empty.png', new Uint8Array(0), /empty\.png: empty file \(0 bytes\)/],
    ['text.png', 'hello', /text\.png: not a PNG file/],
    ['text.jpg', 'hello', /text\.jpg: not a readable image/],
  ];
  for (const [name, bytes, re] of bad) {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    await assert.rejects(
      loadImage(f),
      (e: unknown) => e instanceof InputError && re.test(e.message),
    );
  }
  await assert.rejects(
    loadImage(path.join(dir, 'nope.png')),
    /nope\.png: image file does not exist/,
  );
  const big = encodePng({
    width: 20,
    height: 20,
    channels: 1,
    bitDepth: 8,
    data: new Uint8Array(400),
  });
  await assert.rejects(
    decodeImage(big, 'big.png', { maxPixels: 100 }),
    /big\.png: image too large/,
  );
});

test('readImageDataset: Keras order, layouts, skips and errors', () => {
  const root = makeTmpDir();
  const img = gray(8, 8, (x) => x * 10);
  const base = path.join(root, 'CC_R', 'test');
  writePng(path.join(base, 'B', '2_1_B_CC_R.png'), img);
  writePng(path.join(base, 'B', '10_1_B_CC_R.png'), img);
  writePng(path.join(base, 'A', 'z.png'), img);
  writePng(path.join(base, 'A', 'sub', 'a.png'), img);
  writePng(path.join(base, 'D', 'x.PNG'), img);
  fs.writeFileSync(path.join(base, 'D', 'notes.txt'), 'hi');
  fs.writeFileSync(path.join(base, 'D', 'zero.png'), '');
  fs.writeFileSync(path.join(base, 'D', 'fake.png'), 'not png');
  fs.writeFileSync(path.join(base, 'D', '.DS_Store'), 'x');
  fs.mkdirSync(path.join(root, 'masks')); // ignored: not a projection folder
  const ds = readImageDataset(root);
  assert.deepEqual(
    ds.items.map((i) => i.relPath.split(path.sep).join('/')),
    [
      'CC_R/test/A/z.png',
      'CC_R/test/A/sub/a.png',
      'CC_R/test/B/10_1_B_CC_R.png',
      'CC_R/test/B/2_1_B_CC_R.png',
      'CC_R/test/D/x.PNG',
    ],
  );
  assert.deepEqual(
    ds.items.map((i) => i.label),
    [0, 0, 1, 1, 3],
  );
  assert.equal(ds.items[2].subject, '10');
  assert.equal(ds.items[0].subject, null);
  assert.equal(ds.projection, 'CC_R');
  assert.equal(ds.split, 'test');
  assert.deepEqual(ds.skipped.map((s) => `${path.basename(s.path)}: ${s.reason}`).sort(), [
    '.DS_Store: hidden file',
    'fake.png: not an image (unrecognised content)',
    'notes.txt: not an image extension',
    'zero.png: empty file (0 bytes)',
  ]);
  assert.equal(ds.warnings.length, 1);
  assert.match(ds.warnings[0], /C: class folder missing/);
  // Bare layout and explicit options give the same items.
  assert.equal(readImageDataset(base).items.length, 5);
  assert.equal(readImageDataset(root, { projection: 'CC_R', split: 'test' }).items.length, 5);
  // Errors.
  fs.mkdirSync(path.join(base, 'E'));
  assert.throws(() => readImageDataset(base), /E: unknown class folder 'E'/);
  fs.rmdirSync(path.join(base, 'E'));
  writePng(path.join(root, 'MLO_R', 'test', 'A', 'm.png'), img);
  assert.throws(() => readImageDataset(root), /several projections \(CC_R, MLO_R\)/);
  assert.throws(() => readImageDataset(root, { projection: 'CC_L' }), /no CC_L folder/);
  assert.throws(
    () => readImageDataset(path.join(root, 'nope')),
    /nope: dataset folder does not exist/,
  );
  const empty = makeTmpDir();
  fs.mkdirSync(path.join(empty, 'A'));
  fs.writeFileSync(path.join(empty, 'A', 'x.txt'), '');
  assert.throws(() => readImageDataset(empty), /no images found.*x\.txt: not an image extension/);
});

test('datasetBatches streams one-hot batches, shuffles by seed, augments, and leaks nothing', async () => {
  const tf = await setupTf();
  const root = makeTmpDir();
  for (const [cls, n] of [
    ['A', 3],
    ['C', 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      writePng(
        path.join(root, cls, `${i}.png`),
        gray(10, 6, (x, y) => (x * 20 + y * 3 + i * 40) % 256),
      );
    }
  }
  const ds = readImageDataset(root);
  const collect = async (opts: Parameters<typeof datasetBatches>[1]) => {
    const out: { names: string[]; labels: number[][]; x: number[] }[] = [];
    for await (const b of datasetBatches(ds, opts)) {
      out.push({
        names: b.items.map((i) => i.relPath),
        labels: b.ys.arraySync(),
        x: Array.from(b.xs.dataSync()),
      });
      assert.equal(b.xs.shape[1], 4);
      assert.equal(b.xs.shape[2], 5);
      b.xs.dispose();
      b.ys.dispose();
    }
    return out;
  };
  const plain = await collect({ batchSize: 2, inputSize: [4, 5] });
  assert.equal(plain.length, 3);
  assert.deepEqual(plain[0].labels, [
    [1, 0, 0, 0],
    [1, 0, 0, 0],
  ]);
  assert.deepEqual(plain[2].labels, [[0, 0, 1, 0]]);
  // Unaugmented batch equals preprocessForNetwork of the same image.
  const single = preprocessForNetwork(await loadImage(ds.items[0].path), [4, 5]);
  assert.deepEqual(plain[0].x.slice(0, 60), Array.from(single.dataSync()));
  single.dispose();
  const s1 = await collect({
    batchSize: 2,
    inputSize: [4, 5],
    shuffle: true,
    seed: 9,
    augment: ORIGINAL_AUGMENTATION,
  });
  const s2 = await collect({
    batchSize: 2,
    inputSize: [4, 5],
    shuffle: true,
    seed: 9,
    augment: ORIGINAL_AUGMENTATION,
  });
  assert.deepEqual(s1, s2);
  assert.deepEqual(s1.flatMap((b) => b.names).sort(), plain.flatMap((b) => b.names).sort());
  // Resuming at batch 1 yields exactly batches 1.. of the full pass.
  const resumed = await collect({
    batchSize: 2,
    inputSize: [4, 5],
    shuffle: true,
    seed: 9,
    augment: ORIGINAL_AUGMENTATION,
    startBatch: 1,
  });
  assert.deepEqual(resumed, s1.slice(1));
  assert.equal(
    await leakedTensors(async () => {
      await collect({ batchSize: 3, inputSize: [4, 5] });
    }),
    0,
  );
  assert.ok(tf.memory().numTensors >= 0);
});

test('datasetBatches gives the same batches with a worker loader, which decodes a batch ahead', async () => {
  await setupTf();
  const root = makeTmpDir();
  for (const [cls, n] of [
    ['A', 3],
    ['B', 2],
    ['D', 2],
  ] as const) {
    for (let i = 0; i < n; i++) {
      writePng(
        path.join(root, cls, `${i}.png`),
        gray(12, 9, (x, y) => (x * 17 + y * 5 + i * 60) % 256),
      );
    }
  }
  const ds = readImageDataset(root);
  const inputSize: [number, number] = [6, 7];
  const pass = async (
    opts: Partial<Parameters<typeof datasetBatches>[1]>,
    stopAfter = Infinity,
  ) => {
    const out: { index: number; names: string[]; y: number[]; x: number[] }[] = [];
    for await (const b of datasetBatches(ds, { batchSize: 2, inputSize, ...opts })) {
      out.push({
        index: b.index,
        names: b.items.map((i) => i.relPath),
        y: Array.from(b.ys.dataSync()),
        x: Array.from(b.xs.dataSync()),
      });
      b.xs.dispose();
      b.ys.dispose();
      if (out.length >= stopAfter) break;
    }
    return out;
  };
  const cases: {
    name: string;
    opts: Partial<Parameters<typeof datasetBatches>[1]>;
    stop?: number;
  }[] = [
    { name: 'in order', opts: {} },
    {
      name: 'shuffled and augmented',
      opts: { shuffle: true, seed: 4, augment: ORIGINAL_AUGMENTATION },
    },
    {
      name: 'resumed at batch 2',
      opts: { shuffle: true, seed: 4, augment: ORIGINAL_AUGMENTATION, startBatch: 2 },
    },
    {
      name: 'stopped after one batch (a look-ahead batch is pending)',
      opts: { shuffle: true, seed: 5 },
      stop: 1,
    },
  ];
  const loader = await createWorkerImageLoader({ inputSize });
  try {
    for (const c of cases) {
      const inline = await pass(c.opts, c.stop);
      assert.ok(inline.length > 0, c.name);
      // The pass after an early stop still finds the loader idle.
      assert.deepEqual(await pass({ ...c.opts, loader }, c.stop), inline, c.name);
    }
    const tf = await setupTf();
    assert.equal(
      await leakedTensors(async () => {
        await pass({ loader });
      }),
      0,
    );
    assert.ok(tf.memory().numTensors >= 0);
  } finally {
    await loader.close();
  }
  // The look-ahead: when batch 0 arrives, batch 1 has been asked for; none after the last.
  const asked: string[][] = [];
  const inline = createInlineImageLoader(inputSize);
  const spy = {
    ...inline,
    load: (files: readonly string[]) => (asked.push([...files]), inline.load(files)),
  };
  const seen: number[] = [];
  for await (const b of datasetBatches(ds, { batchSize: 3, inputSize, loader: spy })) {
    seen.push(asked.length);
    b.xs.dispose();
    b.ys.dispose();
  }
  assert.deepEqual(seen, [2, 3, 3]);
  assert.deepEqual(
    asked.map((a) => a.length),
    [3, 3, 1],
  );
  // A wrong-sized loader is refused; an undecodable file fails with its name, as inline.
  await assert.rejects(
    pass({ loader: createInlineImageLoader([3, 3]) }),
    /loader makes 3×3 images, expected 6×7/,
  );
  // A PNG whose header is intact (so the listing keeps it) and whose pixel data is cut off.
  const file = path.join(root, 'B', '1.png');
  fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
  const broken = readImageDataset(root);
  assert.ok(broken.items.some((i) => i.path === file));
  const failing = await createWorkerImageLoader({ inputSize });
  try {
    await assert.rejects(
      (async () => {
        for await (const b of datasetBatches(broken, {
          batchSize: 2,
          inputSize,
          loader: failing,
        })) {
          b.xs.dispose();
          b.ys.dispose();
        }
      })(),
      (err: Error) => err instanceof InputError && /B[/\\]1\.png/.test(err.message),
    );
  } finally {
    await failing.close();
  }
});

test(
  'reads the original sample images (../shared/reference/original-testset)',
  { skip: referenceSkip('original-testset') },
  async () => {
    const tf = await setupTf();
    const root = referencePath('original-testset');
    const ds = readImageDataset(root, { projection: 'CC_R', split: 'test' });
    assert.deepEqual(
      ds.items.map((i) => i.className),
      ['A', 'B', 'C', 'D'],
    );
    assert.equal(ds.skipped.length, 0);
    assert.ok(ds.items.every((i) => i.projection === 'CC_R' && /^\d+$/.test(i.subject ?? '')));
    const img = await loadImage(ds.items[0].path);
    assert.equal(img.sourceBitDepth, 8);
    assert.ok(img.width >= 800 && img.width <= 1500 && img.height >= 1700 && img.height <= 2400);
    assert.ok(
      img.data.some((v) => v > 100),
      'breast pixels present',
    );
    const x = preprocessForNetwork(img, [650, 650]);
    assert.deepEqual(x.shape, [650, 650, 3]);
    // Zero mean over the sample (summed in double precision: float32 summation drifts ~1e-4 here).
    const v = x.dataSync();
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i];
    assert.ok(Math.abs(sum / v.length) < 1e-6, `mean ${sum / v.length}`);
    tf.dispose(x);
    assert.throws(() => readImageDataset(root), /several projections/);
    for (const projection of ['CC_L', 'MLO_L', 'MLO_R'] as const) {
      const other = readImageDataset(root, { projection, split: 'test' });
      assert.deepEqual(
        other.items.map((i) => `${i.className}:${i.projection}`),
        ['A', 'B', 'C', 'D'].map((c) => `${c}:${projection}`),
      );
      assert.ok(other.items.every((i) => i.subject !== null && i.relPath.startsWith(projection)));
    }
  },
);

test('loadNetworkBatch: the files in order as the network reads them; a bad file is named', async () => {
  const tf = await setupTf();
  const dir = makeTmpDir();
  const imgs = [
    gray(7, 5, (x, y) => (x * 31 + y * 17) % 256),
    gray(6, 9, (x, y) => (200 - x * 11 - y * 7) & 255),
  ];
  const items = imgs.map((img, i) => parseImagePath(path.join(dir, `${i}.png`)));
  imgs.forEach((img, i) => writePng(items[i].path, img));
  const batch = await loadNetworkBatch(items, [3, 4]);
  assert.deepEqual(batch.shape, [2, 3, 4, 3]);
  const got = batch.arraySync();
  batch.dispose();
  imgs.forEach((img, i) => {
    const one = preprocessForNetwork(img, [3, 4]);
    assert.deepEqual(got[i], one.arraySync(), `image ${i}`);
    one.dispose();
  });
  const before = tf.memory().numTensors;
  const bad = path.join(dir, 'bad.png');
  fs.writeFileSync(bad, 'not a png');
  await assert.rejects(loadNetworkBatch([items[0], parseImagePath(bad)], [3, 4]), (e: unknown) => {
    return e instanceof InputError && e.message.includes('bad.png');
  });
  assert.equal(tf.memory().numTensors, before);
});
