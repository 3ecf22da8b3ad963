/**
 * Segmentation building blocks (Otsu, components, holes, morphology) and the pipeline on
 * synthetic shapes whose answer is known exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  boxBlur,
  chestWallSide,
  createGray8Image,
  diceCoefficient,
  dilateMask,
  erodeMask,
  fillHoles,
  grayHistogram,
  histogramPercentile,
  labelComponents,
  largestComponent,
  maskBoundingBox,
  otsuThreshold,
  parseMammogramName,
  formatMammogramName,
  normaliseView,
  preprocessMammogram,
  toInputFrame,
  type BinaryMask,
  type Gray8Image,
} from '../../lib/preprocess';

function mask(rows: string[]): BinaryMask {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((r, y) => [...r].forEach((c, x) => (data[y * width + x] = c === '#' ? 1 : 0)));
  return { width, height, data };
}
function rows(m: BinaryMask): string[] {
  const out: string[] = [];
  for (let y = 0; y < m.height; y++) {
    out.push(
      Array.from(m.data.subarray(y * m.width, (y + 1) * m.width), (v) => (v ? '#' : '.')).join(''),
    );
  }
  return out;
}

/** Between-class variance of threshold t, computed directly from the definition. */
function betweenVariance(h: number[], t: number): number {
  let w0 = 0;
  let w1 = 0;
  let s0 = 0;
  let s1 = 0;
  h.forEach((c, v) => {
    if (v <= t) {
      w0 += c;
      s0 += c * v;
    } else {
      w1 += c;
      s1 += c * v;
    }
  });
  if (w0 === 0 || w1 === 0) return 0;
  return w0 * w1 * (s0 / w0 - s1 / w1) ** 2;
}

test('otsuThreshold on known bimodal histograms', () => {
  const gauss = (mu: number, sd: number, n: number) =>
    Array.from({ length: 256 }, (_, v) => n * Math.exp(-0.5 * ((v - mu) / sd) ** 2));
  const cases: { name: string; h: number[]; expect: [number, number] }[] = [
    // Equal classes, equal spread: the threshold is the midpoint.
    {
      name: 'symmetric 60/180',
      h: gauss(60, 12, 1000).map((c, v) => c + gauss(180, 12, 1000)[v]),
      expect: [119, 120],
    },
    // Two spikes: every level between them is optimal; the middle of the tied run is returned.
    {
      name: 'spikes 50/200',
      h: Array.from({ length: 256 }, (_, v) => (v === 50 || v === 200 ? 100 : 0)),
      expect: [124, 124],
    },
    // Background-heavy mammogram-like histogram: threshold between the modes.
    {
      name: 'background 10, breast 150',
      h: gauss(10, 3, 3000).map((c, v) => c + gauss(150, 20, 1000)[v]),
      expect: [40, 110],
    },
  ];
  for (const c of cases) {
    const t = otsuThreshold(c.h);
    assert.ok(t >= c.expect[0] && t <= c.expect[1], `${c.name}: got ${t}`);
    // t maximises the between-class variance (checked by brute force).
    const best = Math.max(...c.h.map((_, s) => betweenVariance(c.h, s)));
    assert.ok(betweenVariance(c.h, t) >= best * (1 - 1e-9), `${c.name}: not the maximum`);
  }
  assert.equal(otsuThreshold([0, 0, 5, 0]), 2); // one occupied level
  assert.throws(() => otsuThreshold([1]), /at least 2 bins/);
});

test('histogram percentiles and gray histograms with a mask', () => {
  const data = Uint8Array.from([0, 1, 1, 2, 3, 3, 3, 9]);
  const h = grayHistogram(data);
  assert.equal(h[3], 3);
  assert.equal(histogramPercentile(h, 50), 3); // 5th smallest of 8
  assert.equal(histogramPercentile(h, 0), 0);
  assert.equal(histogramPercentile(h, 100), 9);
  assert.equal(grayHistogram(data, Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 1]))[9], 1);
});

test('components: 8-connectivity, largest component, hole filling, morphology', () => {
  const m = mask(['##...#', '##..#.', '.....#', '###...']);
  assert.equal(labelComponents(m, 8).count, 3);
  assert.equal(labelComponents(m, 4).count, 5);
  const lc = largestComponent(m);
  assert.deepEqual(rows(lc.mask), ['##....', '##....', '......', '......']);
  assert.equal(lc.share, 4 / 10);
  const ring = mask(['.#####.', '.#...#.', '.#.#.#.', '.#####.', '.......']);
  assert.deepEqual(rows(fillHoles(ring)), ['.#####.', '.#####.', '.#####.', '.#####.', '.......']);
  // A gap open to the border is not a hole.
  const cup = mask(['#...#', '#...#', '#####']);
  assert.deepEqual(rows(fillHoles(cup)), rows(cup));
  const sq = mask(['.....', '.###.', '.###.', '.###.', '.....']);
  assert.deepEqual(rows(erodeMask(sq, 1)), ['.....', '.....', '..#..', '.....', '.....']);
  assert.deepEqual(
    rows(dilateMask(mask(['.....', '.....', '..#..', '.....', '.....']), 1)),
    rows(sq),
  );
  assert.deepEqual(maskBoundingBox(sq), { x0: 1, y0: 1, x1: 4, y1: 4 });
  assert.equal(maskBoundingBox(mask(['...'])), null);
  assert.equal(diceCoefficient(sq, sq), 1);
  assert.equal(diceCoefficient(sq, erodeMask(sq, 1)), (2 * 1) / (9 + 1));
});

test('boxBlur averages over the clipped window', () => {
  const img: Gray8Image = { width: 3, height: 1, data: Uint8Array.from([0, 90, 180]) };
  assert.deepEqual(Array.from(boxBlur(img, 1).data), [45, 90, 135]);
  assert.deepEqual(Array.from(boxBlur(img, 0).data), [0, 90, 180]);
});

test('file names: parse and format the original pattern', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      '/d/CC_R/test/B/1103_1_B_CC_R.png',
      { patient: '1103', n: 1, cls: 'B', view: 'CC', laterality: 'R' },
    ],
    ['/d/x/123_2_MLO_L.png', { patient: '123', n: 2, view: 'MLO', laterality: 'L' }],
    ['/in/C/scan-LMLO.dcm', { view: 'MLO', laterality: 'L', cls: 'C' }],
    ['/in/patient 7 right CC.png', { view: 'CC', laterality: 'R' }],
    ['/in/scan.png', {}],
  ];
  for (const [p, expect] of cases) assert.deepEqual(parseMammogramName(p), expect, p);
  assert.equal(
    formatMammogramName({ patient: 'A_b 7', n: 1, cls: null, view: 'MLO', laterality: 'R' }),
    'A-b-7_1_MLO_R.png',
  );
  assert.equal(
    formatMammogramName({ patient: '12', n: 3, cls: 'D', view: 'CC', laterality: 'L' }),
    '12_3_D_CC_L.png',
  );
  assert.deepEqual(['CC', 'XCCL', 'MLO', 'ML', 'LM', ''].map(normaliseView), [
    'CC',
    'CC',
    'MLO',
    null,
    null,
    null,
  ]);
});

/** Deterministic noise. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A synthetic uncropped MLO: half-ellipse breast against the chest wall (left or right edge),
 * triangular bright muscle in the top chest-wall corner, noisy background, a bright marker.
 */
function syntheticMlo(seed: number, chestRight: boolean) {
  const W = 120;
  const H = 180;
  const r = lcg(seed);
  const img = createGray8Image(W, H);
  const breast = createGray8Image(W, H);
  const pect = createGray8Image(W, H);
  const cy = 90;
  const ry = 70;
  const rx = 85;
  const pa = 40 + 20 * r();
  const pb = 60 + 30 * r();
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const xc = chestRight ? W - 1 - x : x;
      const d = (xc / rx) ** 2 + ((y - cy) / ry) ** 2;
      const i = y * W + x;
      let v = 12 + 6 * (r() - 0.5);
      if (d < 1) {
        breast.data[i] = 1;
        v = 100 + 40 * Math.sqrt(1 - d) + 8 * (r() - 0.5);
        if (xc / pa + (y - (cy - ry)) / pb < 1) {
          pect.data[i] = 1;
          v = 205 + 8 * (r() - 0.5);
        }
      }
      img.data[i] = Math.round(v);
    }
  }
  const mx = chestRight ? 4 : W - 20;
  for (let y = 160; y < 170; y++) for (let x = mx; x < mx + 14; x++) img.data[y * W + x] = 250;
  return { img, breast, pect };
}

test('pipeline on synthetic MLO shapes: masks, crop, marker removed, orientation, muscle replaced', () => {
  for (const [seed, chestRight, laterality] of [
    [1, false, 'L'],
    [2, true, 'R'],
    [3, true, 'L'], // stored mirrored: must be flipped to put the chest wall left
  ] as const) {
    const { img, breast, pect } = syntheticMlo(seed, chestRight);
    const out = preprocessMammogram(img, { view: 'MLO', laterality });
    const label = `seed ${seed}`;
    assert.ok(diceCoefficient(toInputFrame(out.breastMask, out.transform), breast) > 0.98, label);
    assert.ok(diceCoefficient(toInputFrame(out.pectoralMask, out.transform), pect) > 0.9, label);
    const truthBox = maskBoundingBox(breast)!;
    for (const k of ['x0', 'x1', 'y0', 'y1'] as const) {
      assert.ok(Math.abs(out.transform.box[k] - truthBox[k]) <= 2, `${label} crop ${k}`);
    }
    assert.equal(out.transform.flipped, chestRight !== (laterality === 'R'), label);
    assert.equal(out.segmentation.removedPixels > 0, true, `${label}: marker removed`);
    assert.ok(Math.max(...out.image.data) < 200, `${label}: no muscle or marker gray left`);
    // Chest wall on the expected side of the output.
    const side = chestWallSide(out.breastMask, maskBoundingBox(out.breastMask)!);
    assert.equal(side.side, laterality === 'R' ? 'right' : 'left', label);
    assert.equal(out.pectoral?.found, true, label);
    assert.equal(out.flagged, false, label);
    // Muscle pixels carry the mean breast gray.
    const g = out.pectoral!.replacementGray!;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < out.image.data.length; i++) {
      if (out.pectoralMask.data[i]) assert.equal(out.image.data[i], g);
      else if (out.breastMask.data[i]) {
        sum += out.image.data[i];
        n++;
      } else assert.equal(out.image.data[i], 0, `${label}: background not 0`);
    }
    assert.equal(g, Math.round(sum / n), label);
  }
});

test('MLO without a bright corner: flagged as unsure, nothing removed', () => {
  const { img, breast, pect } = syntheticMlo(5, false);
  // Replace the muscle by the breast gray (as an already preprocessed image).
  for (let i = 0; i < img.data.length; i++) if (pect.data[i]) img.data[i] = 120;
  const out = preprocessMammogram(img, { view: 'MLO', laterality: 'L' });
  assert.equal(out.pectoral?.found, false);
  assert.equal(out.pectoral?.unsure, true);
  assert.equal(out.flagged, true);
  assert.match(out.warnings.join(' '), /not brighter than the breast.*nothing removed/);
  assert.ok(out.pectoralMask.data.every((v) => v === 0));
  assert.ok(diceCoefficient(toInputFrame(out.breastMask, out.transform), breast) > 0.98);
});

test('CC views are never given a pectoral step; a uniform image is an error', () => {
  const { img } = syntheticMlo(7, false);
  const out = preprocessMammogram(img, { view: 'CC', laterality: 'L' });
  assert.equal(out.pectoral, null);
  assert.ok(out.pectoralMask.data.every((v) => v === 0));
  assert.throws(
    () => preprocessMammogram(createGray8Image(32, 32), { view: 'CC', laterality: 'L' }),
    /no breast found/,
  );
});
