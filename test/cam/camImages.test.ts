import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addWeightedOverlay,
  alphaBlendOverlay,
  applyColormap,
  camMontage,
  colormapIndex,
  drawContours,
  mapToGray16,
  marchingSquares,
  resizeRasterToHeight,
  seismicColormap,
} from '../../lib/cam';
import { decodePng, encodePng, type Raster } from '../../lib/io/png';

// matplotlib 3.6 `cm.seismic(x)` (floats) and `cm.seismic(x, bytes=True)` for these x.
const SEISMIC_KNOWN: [number, [number, number, number], [number, number, number]][] = [
  [0.0, [0.0, 0.0, 0.3], [0, 0, 76]],
  [0.1, [0.0, 0.0, 0.5745098039215686], [0, 0, 146]],
  [0.25, [0.00392156862745098, 0.00392156862745098, 1.0], [1, 1, 255]],
  [0.3, [0.19215686274509805, 0.19215686274509805, 1.0], [49, 49, 255]],
  [0.5, [1.0, 0.9921568627450981, 0.9921568627450981], [255, 253, 253]],
  [0.6, [1.0, 0.6, 0.6], [255, 153, 153]],
  [0.75, [0.9941176470588236, 0.0, 0.0], [253, 0, 0]],
  [0.9, [0.696078431372549, 0.0, 0.0], [177, 0, 0]],
  [1.0, [0.5, 0.0, 0.0], [127, 0, 0]],
];

test('seismic colormap matches matplotlib values (floats and bytes)', () => {
  const cmap = seismicColormap();
  for (const [x, rgb, bytes] of SEISMIC_KNOWN) {
    const i = colormapIndex(x);
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(cmap.lutFloat[3 * i + c] - rgb[c]) < 1e-6, `seismic(${x})[${c}]`);
    }
    assert.deepEqual(Array.from(applyColormap([x], cmap)), bytes, `seismic(${x}, bytes=True)`);
  }
  // Clipping and NaN as matplotlib (under/over → end colours; bad → black here).
  assert.deepEqual(Array.from(applyColormap([-0.5, 7, NaN], cmap)), [0, 0, 76, 127, 0, 0, 0, 0, 0]);
});

function gray(width: number, height: number, value: number): Raster {
  return {
    width,
    height,
    channels: 1,
    bitDepth: 8,
    data: new Uint8Array(width * height).fill(value),
  };
}

test('overlays: saturating addWeighted(img,1,map,1,0) and map-weighted alpha blend', () => {
  const img = gray(2, 1, 200);
  const map = [1.0, 0.0]; // dark red (127,0,0) and dark blue (0,0,76)
  const sum = addWeightedOverlay(img, map);
  assert.deepEqual(Array.from(sum.data), [255, 200, 200, 200, 200, 255]);
  const blend = alphaBlendOverlay(img, map, { alpha: 0.5 });
  // Pixel 0: a = 0.5 → (200+127)/2 = 163.5 → 164, 100, 100; pixel 1: a = 0 → unchanged.
  assert.deepEqual(Array.from(blend.data), [164, 100, 100, 200, 200, 200]);
  const uniform = alphaBlendOverlay(img, map, { alpha: 0.5, weighting: 'uniform' });
  assert.deepEqual(Array.from(uniform.data.slice(3)), [100, 100, 138]);
  assert.throws(() => addWeightedOverlay(img, [1, 2, 3]), /map has 3 values, the image is 2×1/);
});

test('16-bit map PNG keeps the normalised values', () => {
  const map = [0, 0.5, 1, 0.25];
  const r = mapToGray16(map, 2, 2);
  const back = decodePng(encodePng(r));
  assert.equal(back.bitDepth, 16);
  assert.deepEqual(Array.from(back.data), [0, 32768, 65535, 16384]);
});

test('marching squares: a ramp has its iso-line exactly where expected', () => {
  const W = 64;
  const H = 16;
  const ramp = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) ramp[y * W + x] = x / (W - 1);
  const segs = marchingSquares(ramp, W, H, 0.5);
  assert.equal(segs.length / 4, H - 1, 'one segment per row of cells');
  for (let i = 0; i < segs.length; i += 2) {
    assert.ok(Math.abs(segs[i] - (W - 1) / 2) < 1e-4, `x = ${segs[i]}`);
  }
});

test('marching squares: a cone gives a closed circle of the right radius', () => {
  const N = 64;
  const c = 31.3;
  const r0 = 17;
  const v = new Float32Array(N * N);
  for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) v[y * N + x] = Math.hypot(x - c, y - c);
  const segs = marchingSquares(v, N, N, r0);
  assert.ok(segs.length / 4 > 80, 'enough segments for the circle');
  const ends = new Map<string, number>();
  for (let i = 0; i < segs.length; i += 2) {
    const d = Math.hypot(segs[i] - c, segs[i + 1] - c);
    assert.ok(Math.abs(d - r0) < 0.05, `point at radius ${d}`);
    const key = `${segs[i].toFixed(4)},${segs[i + 1].toFixed(4)}`;
    ends.set(key, (ends.get(key) ?? 0) + 1);
  }
  for (const [k, n] of ends) assert.equal(n, 2, `end ${k} shared by two segments (closed line)`);
  // Saddle: diagonal corners inside; the centre value decides, lines never cross.
  const saddle = marchingSquares([1, 0, 0, 1], 2, 2, 0.5);
  assert.equal(saddle.length, 8);
});

test('drawContours paints the iso-line pixels only', () => {
  const W = 32;
  const img = gray(W, W, 50);
  const map = new Float32Array(W * W);
  for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) map[y * W + x] = x / (W - 1);
  const out = drawContours(img, map, [{ level: 0.5, colour: [255, 0, 0] }], 1);
  let red = 0;
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const i = 3 * (y * W + x);
      const isRed = out.data[i] === 255 && out.data[i + 1] === 0;
      if (isRed) {
        red++;
        assert.ok(x === 15 || x === 16, `red pixel at x = ${x}`);
      } else assert.deepEqual(Array.from(out.data.slice(i, i + 3)), [50, 50, 50]);
    }
  }
  assert.ok(red >= W, `line drawn over every row (${red} pixels)`);
});

test('camMontage: rows scaled to one height, area-averaged, laid out with gaps', () => {
  const a: Raster = {
    width: 4,
    height: 4,
    channels: 1,
    bitDepth: 8,
    data: new Uint8Array(16).fill(100),
  };
  const b: Raster = {
    width: 2,
    height: 2,
    channels: 3,
    bitDepth: 8,
    data: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]),
  };
  const sheet = camMontage([[a, b]], { height: 2, gap: 1, background: 7 });
  // Widths: 2 (a scaled 4→2) + 2 (b) + 3 gaps = 7; height 2 + 2 gaps = 4.
  assert.deepEqual([sheet.width, sheet.height, sheet.channels], [7, 4, 3]);
  const px = (x: number, y: number) =>
    Array.from(sheet.data.slice((y * 7 + x) * 3, (y * 7 + x) * 3 + 3));
  assert.deepEqual(px(0, 0), [7, 7, 7]);
  assert.deepEqual(px(1, 1), [100, 100, 100]);
  assert.deepEqual(px(4, 1), [0, 0, 0]);
  assert.deepEqual(px(5, 1), [255, 255, 255]);
  assert.equal(resizeRasterToHeight(b, 1).data[0], 128);
});

test('camMontage labels: a caption strip under each picture, pictures unchanged', () => {
  const gray = (v: number): Raster => ({
    width: 60,
    height: 40,
    channels: 1,
    bitDepth: 8,
    data: new Uint8Array(60 * 40).fill(v),
  });
  const plain = camMontage([[gray(0), gray(128)]], { height: 40, gap: 4 });
  const labelled = camMontage([[gray(0), gray(128)]], {
    height: 40,
    gap: 4,
    labels: [['1. input', '2. a caption far too long to fit under a 60-pixel picture']],
  });
  assert.equal(labelled.width, plain.width);
  assert.equal(labelled.height, plain.height + 20, 'one 20-px strip per row');
  const W = labelled.width;
  const dark = (x0: number, x1: number): number => {
    let n = 0;
    for (let y = 44; y < 64; y++)
      for (let x = x0; x < x1; x++) if (labelled.data[(y * W + x) * 3] < 160) n++;
    return n;
  };
  assert.ok(dark(4, 64) > 20, 'first caption written under the first picture');
  assert.ok(dark(68, 128) > 20, 'second caption, shrunk and cut, under the second');
  assert.equal(dark(0, 2) + dark(W - 2, W), 0, 'captions stay inside their columns');
  for (let y = 4; y < 44; y++)
    for (const [x, v] of [
      [10, 0],
      [100, 128],
    ])
      assert.equal(labelled.data[(y * W + x) * 3], v, `picture pixel (${x}, ${y})`);
});
