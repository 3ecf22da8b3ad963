#!/usr/bin/env node
// Regenerates TestSet/: the project's own phantom sample set in the original's layout
// (TestSet/<PROJECTION>/test/<class>/), one subject per class, four views each (16 images),
// with ground-truth masks (TestSet/masks/), JSON records (TestSet/records/), manifest.csv and
// phantom.json (the options below). Byte-identical on every run: `npm run make-testset`.
// test/phantom/testSet.test.ts regenerates it from TestSet/phantom.json and compares every file.
'use strict';
require('tsx/cjs');
const path = require('path');
const fs = require('fs');
const { generatePhantomDataset } = require('../lib/phantom/generatePhantomDataset.ts');
const { outputMarker } = require('../lib/io/outputMarker.ts');

/** The TestSet options (also written to TestSet/phantom.json). */
const TESTSET_OPTIONS = {
  subjects: 4, // one per class with equal class balance
  seed: 2026,
  // Mammogram scale: the original sample images are 906-1428 x 1796-2293 px.
  width: 1040,
  height: 1820,
  split: [0, 0, 1], // everything in test/, as the original's TestSet
  subjectPrefix: 'ph',
};

const out = path.join(__dirname, '..', 'TestSet');
generatePhantomDataset(out, { ...TESTSET_OPTIONS, overwrite: true, progress: 'silent' }).then(
  (rows) => {
    // The writer's marker is not committed (phantom.json identifies the set for --overwrite).
    fs.rmSync(path.join(out, outputMarker.name), { force: true });
    process.stdout.write(`make-testset: wrote ${rows.length} images to ${out}\n`);
  },
  (err) => {
    process.stderr.write(`make-testset: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
