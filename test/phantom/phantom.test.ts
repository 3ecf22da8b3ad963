import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { makeTmpDir } from '../helpers/tmp';
import { runCli } from '../helpers/cli';
import { decodePng } from '../../lib/io/png';
import { createRng } from '../../lib/data/createRng';
import { readImageDataset } from '../../lib/data/readImageDataset';
import { PROJECTIONS } from '../../lib/model/constants';
import {
  MANIFEST_HEADER,
  apportion,
  densityClass,
  encodeGray8Png,
  encodePhantomMask,
  findPhantomMask,
  generatePhantom,
  generatePhantomDataset,
  readManifest,
  readPhantomMask,
  resizeToHeight,
  sideBySide,
} from '../../lib/phantom';

const CLASS_CASES: [number, string][] = [
  [0, 'A'],
  [0.2499, 'A'],
  [0.25, 'B'],
  [0.4999, 'B'],
  [0.5, 'C'],
  [0.74, 'C'],
  [0.75, 'D'],
  [1, 'D'],
];
for (const [f, c] of CLASS_CASES) {
  test(`densityClass(${f}) = ${c}`, () => assert.equal(densityClass(f), c));
}
test('densityClass with custom thresholds and bad input', () => {
  assert.equal(densityClass(0.3, [0.1, 0.2, 0.4]), 'C');
  assert.throws(() => densityClass(1.2), /fraction in \[0, 1\]/);
  assert.throws(() => densityClass(0.3, [0.5, 0.2, 0.7]), /increasing thresholds/);
});

test('apportion gives exact totals by largest remainder', () => {
  assert.deepEqual(apportion(4, [1, 1, 1, 1]), [1, 1, 1, 1]);
  assert.deepEqual(apportion(10, [0.8, 0.1, 0.1]), [8, 1, 1]);
  assert.deepEqual(apportion(7, [0.8, 0.1, 0.1]), [5, 1, 1]);
  assert.deepEqual(apportion(5, [0, 0, 1]), [0, 0, 5]);
});

test('phantoms are identical for identical options and differ by seed', () => {
  const opts = {
    seed: 7,
    projection: 'MLO_R' as const,
    denseFraction: 0.4,
    width: 64,
    height: 112,
  };
  const a = generatePhantom(opts);
  const b = generatePhantom(opts);
  assert.deepEqual(a.image.data, b.image.data);
  assert.deepEqual(a.denseMask, b.denseMask);
  assert.deepEqual(a.record, b.record);
  const c = generatePhantom({ ...opts, seed: 8 });
  assert.notDeepEqual(a.image.data, c.image.data);
});

const FRACTIONS = [0.05, 0.3, 0.55, 0.9];
for (const projection of PROJECTIONS) {
  test(`${projection}: dense fraction of the mask = record, class, layout, pectoral`, () => {
    for (const f of FRACTIONS) {
      const w = 64;
      const h = 112;
      const p = generatePhantom({ seed: 3, projection, denseFraction: f, width: w, height: h });
      let breast = 0;
      let dense = 0;
      for (let i = 0; i < w * h; i++) {
        const inRegion = p.breastMask[i] && !p.pectoralMask?.[i];
        if (inRegion) breast++;
        if (p.denseMask[i]) {
          dense++;
          assert.ok(inRegion, 'dense pixel outside the breast region');
        }
        if (!p.breastMask[i]) assert.equal(p.image.data[i], 0, 'background must be black');
        else assert.ok(p.image.data[i] >= 1);
      }
      assert.equal(p.record.breastPixels, breast);
      assert.equal(p.record.densePixels, dense);
      assert.equal(p.record.denseFraction, dense / breast);
      assert.ok(Math.abs(p.record.denseFraction - f) <= 1 / breast + 1e-12);
      assert.equal(p.record.className, densityClass(p.record.denseFraction));
      // Chest wall on the image edge: left for _L, right for _R (middle row is breast there).
      const mid = (h >> 1) * w;
      const wall = projection.endsWith('_L') ? 0 : w - 1;
      const far = projection.endsWith('_L') ? w - 1 : 0;
      assert.equal(p.breastMask[mid + wall], 1);
      assert.equal(p.breastMask[mid + far], 0);
      // Mask file round trip.
      const m = readPhantomMaskFromBuffer(encodePhantomMask(p, w, h));
      assert.equal(m.denseFraction, p.record.denseFraction);
      if (projection.startsWith('MLO')) {
        assert.ok(p.pectoralMask, 'MLO has a pectoral mask');
        const vals = new Set<number>();
        p.pectoralMask.forEach((v, i) => v && vals.add(p.image.data[i]));
        assert.deepEqual([...vals], [Math.round(p.record.meanGray)]);
        assert.equal(p.pectoralMask[wall], 1, 'pectoral at the top of the chest wall');
        assert.ok(p.record.pectoralPixels > 0.03 * w * h);
      } else {
        assert.equal(p.pectoralMask, null);
      }
    }
  });
}

function readPhantomMaskFromBuffer(buf: Buffer) {
  const dir = makeTmpDir();
  const f = path.join(dir, 'm.png');
  fs.writeFileSync(f, buf);
  return readPhantomMask(f);
}

test('encodeGray8Png round-trips through decodePng', () => {
  const data = Uint8Array.from({ length: 13 * 7 }, (_, i) => (i * 53 + 7) % 256);
  const r = decodePng(encodeGray8Png(data, 13, 7));
  assert.deepEqual([r.width, r.height, r.channels, r.bitDepth], [13, 7, 1, 8]);
  assert.deepEqual(Array.from(r.data), Array.from(data));
});

/** Leave-one-out nearest-class-mean accuracy of a 1-D feature. */
function looAccuracy(feature: number[], cls: number[]): number {
  let ok = 0;
  for (let i = 0; i < feature.length; i++) {
    const means = [0, 1, 2, 3].map((c) => {
      const v = feature.filter((_, j) => j !== i && cls[j] === c);
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
    const guess = means.indexOf(
      means.reduce((best, m) =>
        Math.abs(m - feature[i]) < Math.abs(best - feature[i]) ? m : best,
      ),
    );
    if (guess === cls[i]) ok++;
  }
  return ok / feature.length;
}

test('mean intensity alone does not give the class away; the bright-area fraction does', () => {
  const rng = createRng('mean-intensity-test');
  const meanGray: number[] = [];
  const brightArea: number[] = [];
  const cls: number[] = [];
  for (let k = 0; k < 160; k++) {
    const c = k % 4;
    const p = generatePhantom({
      seed: 100 + k,
      anatomySeed: 900 + k,
      projection: PROJECTIONS[(k >> 2) % 4],
      denseFraction: c * 0.25 + rng.uniform(0.03, 0.22),
      width: 32,
      height: 56,
    });
    const d = p.image.data;
    meanGray.push(d.reduce((a, b) => a + b, 0) / d.length);
    const vals = Array.from(d.filter((_, i) => p.breastMask[i] && !p.pectoralMask?.[i])).sort(
      (a, b) => a - b,
    );
    const cut = (vals[Math.floor(vals.length * 0.02)] + vals[Math.floor(vals.length * 0.98)]) / 2;
    brightArea.push(vals.filter((v) => v > cut).length / vals.length);
    cls.push(c);
  }
  const accMean = looAccuracy(meanGray, cls);
  const accBright = looAccuracy(brightArea, cls);
  assert.ok(
    accMean < 0.4,
    `mean intensity predicts the class with accuracy ${accMean} (chance 0.25)`,
  );
  assert.ok(accBright > 0.6, `bright-area fraction should predict the class, got ${accBright}`);
});

test('phantom dataset: layout, manifest, masks, subjects, splits, reader, refusals', async () => {
  const root = path.join(makeTmpDir(), 'ds');
  const rows = await generatePhantomDataset(root, {
    subjects: 8,
    seed: 5,
    width: 24,
    height: 42,
    split: [0.5, 0.25, 0.25],
    progress: 'silent',
  });
  assert.equal(rows.length, 32);
  assert.equal(
    fs.readFileSync(path.join(root, 'manifest.csv'), 'utf8').split('\n')[0],
    MANIFEST_HEADER,
  );
  assert.deepEqual(readManifest(root), rows);
  // 2 subjects per class; per class 1 train, 0-1 val, 0-1 test (split by subject).
  for (const c of ['A', 'B', 'C', 'D']) {
    const subs = new Set(rows.filter((r) => r.className === c).map((r) => r.subject));
    assert.equal(subs.size, 2, `class ${c}`);
  }
  const bySubject = new Map<string, typeof rows>();
  for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  for (const [s, rs] of bySubject) {
    assert.equal(rs.length, 4, s);
    assert.equal(new Set(rs.map((r) => r.split)).size, 1, `${s} in one split`);
    assert.equal(new Set(rs.map((r) => r.className)).size, 1, `${s} views share the class`);
    assert.deepEqual(rs.map((r) => r.projection).sort(), [...PROJECTIONS]);
  }
  for (const r of rows) {
    const img = path.join(root, ...r.image.split('/'));
    assert.equal(findPhantomMask(img), path.join(root, ...r.mask.split('/')));
    const m = readPhantomMask(path.join(root, ...r.mask.split('/')));
    assert.ok(Math.abs(m.denseFraction - r.denseFraction) < 1e-6);
    assert.equal(densityClass(r.denseFraction), r.className);
    const rec = JSON.parse(
      fs.readFileSync(
        path.join(
          root,
          'records',
          ...r.image.split('/').slice(0, 3),
          path.basename(img, '.png') + '.json',
        ),
        'utf8',
      ),
    );
    assert.equal(rec.seed, r.seed);
    assert.equal(rec.subject, r.subject);
    assert.ok(
      new RegExp(`^${r.subject}_1_${r.className}_${r.projection}\\.png$`).test(path.basename(img)),
    );
  }
  // Without the manifest, the layout rule still finds the mask.
  const some = path.join(root, ...rows[0].image.split('/'));
  const ds = readImageDataset(root, { projection: 'CC_L', split: 'train' });
  assert.equal(
    ds.items.length,
    rows.filter((r) => r.projection === 'CC_L' && r.split === 'train').length,
  );
  assert.equal(ds.skipped.length, 0);
  assert.ok(ds.items.every((i) => i.subject?.startsWith('ph')));
  // Same seed → identical files; existing folder needs --overwrite; a foreign folder is never replaced.
  await assert.rejects(
    generatePhantomDataset(root, {
      subjects: 8,
      seed: 5,
      width: 24,
      height: 42,
      progress: 'silent',
    }),
    /not empty.*--overwrite/,
  );
  const again = path.join(makeTmpDir(), 'ds');
  await generatePhantomDataset(again, {
    subjects: 8,
    seed: 5,
    width: 24,
    height: 42,
    split: [0.5, 0.25, 0.25],
    progress: 'silent',
  });
  assert.deepEqual(
    fs.readFileSync(path.join(again, rows[5].image)),
    fs.readFileSync(path.join(root, rows[5].image)),
  );
  fs.rmSync(path.join(root, 'manifest.csv'));
  assert.equal(findPhantomMask(some), path.join(root, ...rows[0].mask.split('/')));
  await assert.rejects(
    generatePhantomDataset(root, {
      subjects: 1,
      seed: 5,
      width: 24,
      height: 42,
      overwrite: true,
      progress: 'silent',
    }),
    /not a phantom dataset/,
  );
  await assert.rejects(
    generatePhantomDataset(path.join(root, 'x'), { subjects: 0, seed: 1 }),
    /subjects: expected/,
  );
  assert.equal(findPhantomMask(path.join(makeTmpDir(), 'a.png')), null);
});

test('worker threads write the same files as one thread', async () => {
  const one = path.join(makeTmpDir(), 'one');
  const two = path.join(makeTmpDir(), 'two');
  const opts = { subjects: 2, seed: 11, width: 24, height: 42, progress: 'silent' as const };
  const rows1 = await generatePhantomDataset(one, { ...opts, workers: 1 });
  const rows2 = await generatePhantomDataset(two, { ...opts, workers: 2 });
  assert.deepEqual(rows2, rows1);
  for (const r of rows1) {
    for (const f of [r.image, r.mask]) {
      assert.ok(fs.readFileSync(path.join(one, f)).equals(fs.readFileSync(path.join(two, f))), f);
    }
  }
  assert.ok(
    fs
      .readFileSync(path.join(one, 'manifest.csv'))
      .equals(fs.readFileSync(path.join(two, 'manifest.csv'))),
  );
});

test('a subset of views renders the same files as the whole set, and only those', async () => {
  const all = path.join(makeTmpDir(), 'all');
  const some = path.join(makeTmpDir(), 'some');
  const opts = { subjects: 3, seed: 5, width: 24, height: 42, progress: 'silent' as const };
  const rowsAll = await generatePhantomDataset(all, opts);
  const rowsSome = await generatePhantomDataset(some, { ...opts, projections: ['MLO_R', 'CC_R'] });
  assert.deepEqual(
    rowsSome,
    rowsAll.filter((r) => r.projection === 'CC_R' || r.projection === 'MLO_R'),
  );
  for (const r of rowsSome) {
    assert.ok(
      fs.readFileSync(path.join(all, r.image)).equals(fs.readFileSync(path.join(some, r.image))),
      r.image,
    );
  }
  assert.deepEqual(
    fs
      .readdirSync(some)
      .filter((f) => f.includes('_'))
      .sort(),
    ['CC_R', 'MLO_R'],
  );
  const meta = JSON.parse(fs.readFileSync(path.join(some, 'phantom.json'), 'utf8'));
  assert.deepEqual(meta.projections, ['CC_R', 'MLO_R']);
  await assert.rejects(
    generatePhantomDataset(path.join(makeTmpDir(), 'x'), { ...opts, projections: [] }),
    /projections: expected a non-empty list of CC_L, CC_R, MLO_L, MLO_R, got none/,
  );
});

test('a subset of subjects renders the same files, classes and splits as the whole set', async () => {
  const all = path.join(makeTmpDir(), 'all');
  const opts = { subjects: 8, seed: 6, width: 24, height: 42, progress: 'silent' as const };
  const rowsAll = await generatePhantomDataset(all, opts);
  const ids = ['ph0007', 'ph0002'];
  const some = path.join(makeTmpDir(), 'some');
  const rowsSome = await generatePhantomDataset(some, { ...opts, subjectIds: ids, workers: 2 });
  assert.deepEqual(
    rowsSome,
    rowsAll.filter((r) => ids.includes(r.subject)),
  );
  assert.equal(rowsSome.length, 8);
  for (const r of rowsSome) {
    for (const f of [r.image, r.mask]) {
      assert.ok(fs.readFileSync(path.join(all, f)).equals(fs.readFileSync(path.join(some, f))), f);
    }
  }
  const meta = JSON.parse(fs.readFileSync(path.join(some, 'phantom.json'), 'utf8'));
  assert.deepEqual(meta.subjectIds, ['ph0002', 'ph0007']);
  // prettier-ignore
  const refused: [readonly string[], RegExp][] = [
    [[], /subjectIds: expected at least one subject id, got none/],
    [['ph0009', 'ph0001', 'x'], /subjectIds: ph0009, x not among the 8 subjects \(ph0001…ph0008\)/],
  ];
  for (const [subjectIds, message] of refused) {
    await assert.rejects(
      generatePhantomDataset(path.join(makeTmpDir(), 'x'), { ...opts, subjectIds }),
      message,
    );
  }
  const cli = runCli([
    'phantom',
    '--out',
    path.join(makeTmpDir(), 'c'),
    '--subjects',
    '8',
    '--seed',
    '6',
    '--size',
    '24x42',
    '--subject-ids',
    'ph0007, ph0002,ph0007',
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /wrote 8 images \(24x42\) of 2 subjects/);
});

test('CLI phantom writes a dataset', () => {
  const out = path.join(makeTmpDir(), 'p');
  const ok = runCli(['phantom', '--out', out, '--subjects', '2', '--seed', '3', '--size', '24x42']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /wrote 8 images \(24x42\) of 2 subjects/);
  assert.equal(readManifest(out).length, 8);
});

test('side-by-side sheet: area-averaged downscale and layout', () => {
  const img = {
    width: 4,
    height: 4,
    data: Uint8Array.from([0, 0, 100, 100, 0, 0, 100, 100, 200, 200, 50, 50, 200, 200, 50, 50]),
    sourceBitDepth: 8 as const,
    sourceChannels: 1,
  };
  const half = resizeToHeight(img, 2);
  assert.deepEqual([half.width, half.height, ...half.data], [2, 2, 0, 100, 200, 50]);
  const sheet = sideBySide(
    [
      [img, half],
      [null, img],
    ],
    4,
    2,
  );
  // Row width: 4 + gap + 4 + 3·gap (drawing starts at x = gap; pairs end with 3·gap).
  assert.equal(sheet.height, 2 * (4 + 2) + 2);
  assert.equal(sheet.width, 4 + 2 + 4 + 6);
  assert.equal(sheet.data[2 * sheet.width + 2], 0); // first image's top-left pixel
  assert.equal(sheet.data[2 * sheet.width + 4], 100);
  assert.equal(sheet.data[0], 48); // sheet background
});
