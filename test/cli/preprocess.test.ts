/**
 * `breast-density preprocess --in DIR --out DIR` end to end (real CLI in a child process):
 * layout and names, the JSON report, skipped files, all-or-nothing on a bad file, --keep-going,
 * --split.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { decodePng, encodePng } from '../../lib/io/png';
import { writeDicom, type PreprocessReport } from '../../lib/preprocess';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';

/** A small uncropped mammogram, display values 0–255 (breast against the left or right edge). */
function display(width: number, height: number, chestRight: boolean, seed: number): Uint8Array {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const xc = chestRight ? width - 1 - x : x;
      const d = (xc / (0.7 * width)) ** 2 + ((y - height / 2) / (0.38 * height)) ** 2;
      out[y * width + x] = Math.round(
        d < 1 ? 110 + 50 * Math.sqrt(1 - d) + 6 * rnd() : 10 + 6 * rnd(),
      );
    }
  }
  return out;
}

function dicomFile(
  view: string,
  side: string,
  photometric: 'MONOCHROME1' | 'MONOCHROME2',
  patientId = 'P1',
): Buffer {
  const W = 48;
  const H = 80;
  const d = display(W, H, side === 'R', view.length + side.charCodeAt(0));
  const v = Array.from(d, (x) => Math.round(200 + x * 14));
  return writeDicom({
    width: W,
    height: H,
    pixels: photometric === 'MONOCHROME1' ? v.map((x) => 4095 - x) : v,
    bitsStored: 12,
    photometric,
    patientId,
    viewPosition: view,
    imageLaterality: side,
  });
}

function inputDir(): string {
  const dir = makeTmpDir('bd-pre-in-');
  fs.writeFileSync(path.join(dir, 'a.dcm'), dicomFile('CC', 'L', 'MONOCHROME1'));
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'b.dcm'), dicomFile('MLO', 'R', 'MONOCHROME2'));
  fs.writeFileSync(path.join(dir, 'sub', 'c.dcm'), dicomFile('ML', 'R', 'MONOCHROME2'));
  fs.mkdirSync(path.join(dir, 'B'));
  fs.writeFileSync(
    path.join(dir, 'B', '77_1_CC_R.png'),
    encodePng({ width: 48, height: 80, channels: 1, bitDepth: 8, data: display(48, 80, true, 9) }),
  );
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
  return dir;
}

function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: false } as { recursive: true })
    .map(String)
    .filter((p) => fs.statSync(path.join(dir, p)).isFile())
    .sort();
}

test('preprocess writes the project layout, the report, and skips what it cannot use (reported)', () => {
  const inDir = inputDir();
  const out = path.join(makeTmpDir('bd-pre-out-'), 'out');
  const r = runCli(['preprocess', '--in', inDir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(listTree(out), [
    'CC_L/P1_1_CC_L.png',
    'CC_R/B/77_1_B_CC_R.png',
    'MLO_R/P1_1_MLO_R.png',
    'preprocess-report.json',
  ]);
  const report = JSON.parse(
    fs.readFileSync(path.join(out, 'preprocess-report.json'), 'utf8'),
  ) as PreprocessReport;
  assert.deepEqual(report.counts, { ok: 2, flagged: 1, skipped: 2, error: 0 });
  const byInput = Object.fromEntries(report.files.map((f) => [f.input, f]));
  assert.equal(byInput['a.dcm'].display?.inverted, true);
  assert.equal(byInput['a.dcm'].source, 'dicom');
  assert.match(byInput[path.join('sub', 'c.dcm')].message ?? '', /view ML has no network/);
  assert.equal(byInput['notes.txt'].status, 'skipped');
  // The synthetic MLO has no bright muscle: flagged, nothing removed, said so.
  const mlo = byInput[path.join('sub', 'b.dcm')];
  assert.equal(mlo.status, 'flagged');
  assert.equal(mlo.pectoral?.found, false);
  assert.match(r.stdout, /FLAGGED sub\/b\.dcm -> MLO_R\/P1_1_MLO_R\.png/);
  assert.match(r.stdout, /3 written \(1 flagged for a look\), 2 skipped, 0 errors/);
  // Cropped at the skin line: narrower than the input, chest wall on the left for CC_L.
  const img = decodePng(fs.readFileSync(path.join(out, 'CC_L/P1_1_CC_L.png')));
  assert.ok(img.width < 48 && img.width >= 30, `width ${img.width}`);
  assert.ok(img.data[Math.floor(img.height / 2) * img.width] > 100, 'chest wall at the left edge');
  assert.equal(img.data[img.width - 1], 0, 'background corner black');
});

test('a bad file stops the run with one line naming it, and nothing is written', () => {
  const inDir = inputDir();
  fs.writeFileSync(
    path.join(inDir, 'sub', 'j2k.dcm'),
    writeDicom({
      width: 2,
      height: 2,
      pixels: [0, 0, 0, 0],
      transferSyntaxUid: '1.2.840.10008.1.2.4.90',
      encapsulatedFrame: new Uint8Array(4),
    }),
  );
  const parent = makeTmpDir('bd-pre-out-');
  const out = path.join(parent, 'out');
  const r = runCli(['preprocess', '--in', inDir, '--out', out]);
  assert.equal(r.code, 2);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('breast-density: '));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0],
    /j2k\.dcm: unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000 Lossless Only\)/,
  );
  assert.deepEqual(listTree(out), []);
  assert.ok(!listTree(parent).some((p) => p.includes('.tmp-')));

  const keep = runCli([
    'preprocess',
    '--in',
    inDir,
    '--out',
    out,
    '--keep-going',
    '--split',
    'test',
    '--json',
  ]);
  assert.equal(keep.code, 0, keep.stderr);
  const report = JSON.parse(keep.stdout) as PreprocessReport;
  assert.deepEqual(report.counts, { ok: 2, flagged: 1, skipped: 2, error: 1 });
  assert.ok(fs.existsSync(path.join(out, 'CC_L', 'test', 'P1_1_CC_L.png')));
  assert.ok(fs.existsSync(path.join(out, 'CC_R', 'test', 'B', '77_1_B_CC_R.png')));
});
