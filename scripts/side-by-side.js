#!/usr/bin/env node
// Side-by-side picture: for each projection (rows CC_L, CC_R, MLO_L, MLO_R) and class A-D, the
// real sample mammogram of the original use case next to the phantom of the same projection and
// class: columns A-real, A-phantom, B-real, B-phantom, ... Written to out/side-by-side.png
// (ignored by git: it contains the unlicensed reference images, never commit it).
//   node scripts/side-by-side.js [--phantoms DIR (default TestSet)] [--reference DIR]
//                                [--out FILE] [--height PX (default 320)]
'use strict';
require('tsx/cjs');
const fs = require('fs');
const path = require('path');
const { loadImage } = require('../lib/data/loadImage.ts');
const { readImageDataset } = require('../lib/data/readImageDataset.ts');
const { sideBySide } = require('../lib/phantom/sideBySide.ts');
const { encodeGray8Png } = require('../lib/phantom/encodeGray8Png.ts');
const { writeFileAtomic } = require('../lib/io/atomicWrite.ts');
const { PROJECTIONS, CLASS_NAMES } = require('../lib/model/constants.ts');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const phantoms = opt('--phantoms', path.join(root, 'TestSet'));
const reference = opt(
  '--reference',
  process.env.DENSITY_REFERENCE_DIR
    ? path.join(process.env.DENSITY_REFERENCE_DIR, 'original-testset')
    : path.join(root, '..', 'shared', 'reference', 'original-testset'),
);
const out = opt('--out', path.join(root, 'out', 'side-by-side.png'));
const height = Number(opt('--height', '320'));

async function firstOfClass(dir, projection, cls) {
  if (!fs.existsSync(dir)) return null;
  const ds = readImageDataset(dir, { projection, split: 'test' });
  const item = ds.items.find((i) => i.className === cls);
  return item ? loadImage(item.path) : null;
}

async function run() {
  if (!fs.existsSync(reference)) {
    process.stderr.write(
      `side-by-side: reference images not found at ${reference}; phantoms only\n`,
    );
  }
  const rows = [];
  for (const projection of PROJECTIONS) {
    const row = [];
    for (const cls of CLASS_NAMES) {
      row.push(await firstOfClass(reference, projection, cls));
      row.push(await firstOfClass(phantoms, projection, cls));
    }
    rows.push(row);
  }
  const sheet = sideBySide(rows, height);
  writeFileAtomic(out, encodeGray8Png(sheet.data, sheet.width, sheet.height));
  process.stdout.write(
    `side-by-side: wrote ${out} (${sheet.width}x${sheet.height}); rows ${PROJECTIONS.join(', ')}; ` +
      `columns ${CLASS_NAMES.map((c) => `${c} real, ${c} phantom`).join(', ')}\n`,
  );
}
run().catch((err) => {
  process.stderr.write(`side-by-side: ${err && err.message ? err.message : err}\n`);
  process.exitCode = 1;
});
