/**
 * The preprocessing pipeline checked on ground truth: raw phantoms (background noise, a lead
 * marker, the pectoral muscle not removed, margins, random mirroring, 12-bit MONOCHROME1 DICOM)
 * go through `preprocessFile`; the breast mask, the pectoral mask and the crop are compared
 * with the truth, and the output with the preprocessed phantom it came from.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROJECTIONS } from '../../lib/model/constants';
import { createRawPhantom, generatePhantom } from '../../lib/phantom';
import {
  cropImage,
  diceCoefficient,
  maskBoundingBox,
  preprocessFile,
  preprocessSteps,
  readDicom,
  toInputFrame,
} from '../../lib/preprocess';
import { decodePng } from '../../lib/io/png';

const N = 50;
const SIZE = { width: 160, height: 256 };

interface Measured {
  projection: string;
  breastDice: number;
  pectoralDice: number | null;
  cropError: number;
  grayError: number | null;
}

function measure(k: number): Measured {
  const projection = PROJECTIONS[k % 4];
  const phantom = generatePhantom({
    seed: 7000 + k,
    projection,
    denseFraction: ((k * 0.37) % 1) * 0.95,
    ...SIZE,
  });
  const raw = createRawPhantom(phantom);
  const { result } = preprocessFile(raw.dicom, `raw_${k}.dcm`);
  const frame = (data: Uint8Array) => ({ width: raw.width, height: raw.height, data });
  const breastDice = diceCoefficient(
    toInputFrame(result.breastMask, result.transform),
    frame(raw.truth.breastMask),
  );
  const pectoralDice = raw.truth.pectoralMask
    ? diceCoefficient(
        toInputFrame(result.pectoralMask, result.transform),
        frame(raw.truth.pectoralMask),
      )
    : null;
  const b = result.transform.box;
  const c = raw.truth.cropBox;
  const cropError = Math.max(
    Math.abs(b.x0 - c.x0),
    Math.abs(b.x1 - c.x1),
    Math.abs(b.y0 - c.y0),
    Math.abs(b.y1 - c.y1),
  );
  // Same crop size as the phantom's own crop at its skin line: compare gray levels outside the
  // muscle (this checks the orientation too).
  const pw = phantom.image.width;
  const ph = phantom.image.height;
  const pbox = maskBoundingBox({ width: pw, height: ph, data: phantom.breastMask })!;
  const ref = cropImage(phantom.image, pbox);
  const refBreast = cropImage({ width: pw, height: ph, data: phantom.breastMask }, pbox).data;
  const refPect = phantom.pectoralMask
    ? cropImage({ width: pw, height: ph, data: phantom.pectoralMask }, pbox).data
    : null;
  let grayError: number | null = null;
  if (result.image.width === ref.width && result.image.height === ref.height) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < result.image.data.length; i++) {
      if (!refBreast[i] || refPect?.[i] || result.pectoralMask.data[i]) continue;
      sum += Math.abs(result.image.data[i] - ref.data[i]);
      n++;
    }
    grayError = sum / n;
  }
  return { projection, breastDice, pectoralDice, cropError, grayError };
}

test(`ground truth on ${N} raw phantoms: breast Dice ≥ 0.97, pectoral Dice ≥ 0.85, crop within 3 px`, () => {
  const rows = Array.from({ length: N }, (_, k) => measure(k));
  const mlo = rows.filter((r) => r.pectoralDice !== null);
  assert.equal(mlo.length, rows.filter((r) => r.projection.startsWith('MLO')).length);
  assert.ok(mlo.length >= 24);
  const worst = (xs: number[]) => Math.min(...xs);
  const breastMin = worst(rows.map((r) => r.breastDice));
  const pectoralMin = worst(mlo.map((r) => r.pectoralDice!));
  const cropMax = Math.max(...rows.map((r) => r.cropError));
  const grays = rows.map((r) => r.grayError).filter((g): g is number => g !== null);
  // Printed for the README: what the pipeline reaches on this set.
  console.log(
    `# preprocess on ${N} raw phantoms ${SIZE.width}x${SIZE.height}: breast Dice min ${breastMin.toFixed(4)}, ` +
      `pectoral Dice min ${pectoralMin.toFixed(3)} (mean ${(mlo.reduce((s, r) => s + r.pectoralDice!, 0) / mlo.length).toFixed(3)}), ` +
      `crop error max ${cropMax} px, gray error vs phantom ${Math.max(...grays).toFixed(2)} levels max (${grays.length} same-size crops)`,
  );
  for (const r of rows)
    assert.ok(r.breastDice >= 0.97, `${r.projection}: breast Dice ${r.breastDice}`);
  for (const r of mlo)
    assert.ok(r.pectoralDice! >= 0.85, `${r.projection}: pectoral Dice ${r.pectoralDice}`);
  assert.ok(cropMax <= 3, `crop off by ${cropMax} px`);
  // The output is the phantom again: same orientation, same gray levels (12-bit round trip).
  assert.ok(grays.length >= N / 4, `only ${grays.length} crops of the phantom's size`);
  for (const g of grays) assert.ok(g < 1.5, `mean gray error ${g}`);
});

test('raw phantom DICOM: 12-bit MONOCHROME1 with the window that shows the display image', () => {
  const phantom = generatePhantom({ seed: 3, projection: 'MLO_R', denseFraction: 0.4, ...SIZE });
  const raw = createRawPhantom(phantom, { mirrored: true });
  const d = readDicom(raw.dicom, 'raw.dcm');
  assert.equal(d.photometric, 'MONOCHROME1');
  assert.equal(d.bitsStored, 12);
  assert.ok(Math.max(...d.values) <= 4095);
  assert.equal(d.viewPosition, 'MLO');
  assert.equal(d.laterality, 'R');
  assert.equal(raw.truth.mirrored, true);
  // Marker pixels lie outside the breast and are bright on display.
  let markers = 0;
  for (let i = 0; i < raw.truth.markerMask.length; i++) {
    if (raw.truth.markerMask[i]) {
      markers++;
      assert.equal(raw.truth.breastMask[i], 0);
      assert.ok(raw.display.data[i] > 220);
    }
  }
  assert.ok(markers > 20, `marker has ${markers} pixels`);
  // The muscle is brighter than the breast in the raw image.
  let pm = 0;
  let pn = 0;
  let bm = 0;
  let bn = 0;
  for (let i = 0; i < raw.display.data.length; i++) {
    if (raw.truth.pectoralMask![i]) {
      pm += raw.display.data[i];
      pn++;
    } else if (raw.truth.breastMask[i]) {
      bm += raw.display.data[i];
      bn++;
    }
  }
  assert.ok(pm / pn > bm / bn + 20, `muscle ${pm / pn} vs breast ${bm / bn}`);
});

test('preprocessSteps returns each intermediate image as a PNG', () => {
  const phantom = generatePhantom({ seed: 11, projection: 'MLO_L', denseFraction: 0.3, ...SIZE });
  const raw = createRawPhantom(phantom);
  const steps = preprocessSteps(raw.dicom, 'raw.dcm');
  assert.deepEqual(
    steps.map((s) => s.name.split(' ')[0]),
    ['input', 'breast', 'cropped', 'pectoral', 'final:'],
  );
  const first = decodePng(steps[0].png);
  const last = decodePng(steps[steps.length - 1].png);
  assert.deepEqual([first.width, first.height], [raw.width, raw.height]);
  const box = maskBoundingBox({ ...SIZE, data: phantom.breastMask })!;
  assert.ok(Math.abs(last.width - (box.x1 - box.x0)) <= 3, `width ${last.width}`);
  assert.ok(Math.abs(last.height - (box.y1 - box.y0)) <= 3, `height ${last.height}`);
});

test('a muscle barely brighter than the breast is reported as unsure, not guessed', () => {
  let unsure = 0;
  const n = 12;
  for (let k = 0; k < n; k++) {
    const phantom = generatePhantom({
      seed: 500 + k,
      projection: k % 2 ? 'MLO_R' : 'MLO_L',
      denseFraction: ((k * 0.29) % 1) * 0.9,
      ...SIZE,
    });
    const raw = createRawPhantom(phantom, { muscleContrast: [3, 8] });
    const { result } = preprocessFile(raw.dicom, `faint_${k}.dcm`);
    const p = result.pectoral!;
    if (!p.found) {
      unsure++;
      assert.equal(p.unsure, true);
      assert.equal(result.flagged, true);
      assert.ok(result.pectoralMask.data.every((v) => v === 0));
      continue;
    }
    // If something is removed anyway, it must be muscle (no breast tissue cut).
    const removed = toInputFrame(result.pectoralMask, result.transform).data;
    let tp = 0;
    let all = 0;
    for (let i = 0; i < removed.length; i++) {
      if (!removed[i]) continue;
      all++;
      tp += raw.truth.pectoralMask![i];
    }
    assert.ok(tp / all >= 0.9, `faint_${k}: ${all - tp} of ${all} removed pixels are not muscle`);
  }
  assert.ok(unsure >= n - 2, `only ${unsure} of ${n} faint muscles reported as unsure`);
});

test('preprocessSteps: the muscle-mask panel lines up with the crop panel (mirrored or not)', () => {
  for (const [projection, mirrored] of [
    ['MLO_R', false],
    ['MLO_R', true],
    ['MLO_L', false],
    ['MLO_L', true],
  ] as const) {
    const phantom = generatePhantom({ seed: 21, projection, denseFraction: 0.3, ...SIZE });
    const raw = createRawPhantom(phantom, { mirrored });
    const steps = preprocessSteps(raw.dicom, `raw_${projection}.dcm`);
    const crop = decodePng(steps[2].png);
    const muscle = decodePng(steps[3].png);
    assert.deepEqual([muscle.width, muscle.height], [crop.width, crop.height]);
    let inBreast = 0;
    let total = 0;
    for (let i = 0; i < muscle.data.length; i++)
      if (muscle.data[i] > 127) {
        total++;
        if (crop.data[i] > 0) inBreast++;
      }
    assert.ok(total > 50, `${projection} mirrored ${mirrored}: muscle found (${total} px)`);
    assert.ok(
      inBreast / total > 0.95,
      `${projection} mirrored ${mirrored}: ${inBreast}/${total} muscle pixels on the crop's breast`,
    );
  }
});
