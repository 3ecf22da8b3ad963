import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { InputError } from '../../lib/errors';
import { formatNumpyExponent } from '../../lib/io/formatNumpyExponent';
import {
  checkSameRowCount,
  formatPredictionCsv,
  formatPredictionFile,
  loadPredictionFolder,
  predictionFileName,
  parseCsv,
  parseLabelsFile,
  parsePredictionCsv,
  parsePredictionFile,
  readLabelsFromCsv,
  readPredictionFile,
  writePredictionFile,
  type PredictionRecord,
} from '../../lib/predict';
import { makeTmpDir } from '../helpers/tmp';
import { referencePath, referenceSkip } from '../helpers/reference';

// Expected strings are numpy.savetxt(fmt='%.18e') output.
const numpyCases: [number, string][] = [
  [0.5, '5.000000000000000000e-01'],
  [1, '1.000000000000000000e+00'],
  [0, '0.000000000000000000e+00'],
  [-0, '-0.000000000000000000e+00'],
  [0.1, '1.000000000000000056e-01'],
  [1e-5, '1.000000000000000082e-05'],
  [5e-324, '4.940656458412465442e-324'],
  [1e23, '9.999999999999999161e+22'],
  [1.5e300, '1.500000000000000079e+300'],
  [2 ** -30, '9.313225746154785156e-10'],
  // exact value 3.7252902984619140625e-9: a tie, rounded to even (toExponential gives …063)
  [2 ** -28, '3.725290298461914062e-09'],
  [0.3839910588264465, '3.839910588264465185e-01'],
  [NaN, 'nan'],
  [-Infinity, '-inf'],
];
for (const [v, s] of numpyCases) {
  test(`formatNumpyExponent(${v}) = ${s}`, () => assert.equal(formatNumpyExponent(v), s));
}

test('formatNumpyExponent round-trips every double exactly (property)', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const s = formatNumpyExponent(v);
      assert.match(s, /^-?\d\.\d{18}e[+-]\d{2,3}$/);
      assert.ok(Object.is(Number(s), v), `${v} -> ${s}`);
    }),
    { numRuns: 2000, seed: 1 },
  );
});

const probRow = fc
  .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 })
  .filter((r) => r.reduce((a, b) => a + b, 0) > 1e-6)
  .map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((v) => v / s);
  });

test('prediction file: format then parse gives the same rows (property)', () => {
  fc.assert(
    fc.property(fc.array(probRow, { minLength: 1, maxLength: 20 }), (rows) => {
      const text = formatPredictionFile(rows);
      assert.equal(text.split('\n').length, rows.length + 1);
      const back = parsePredictionFile(text, 'p.txt');
      assert.deepEqual(back.rows, rows);
      assert.deepEqual(
        back.lines,
        rows.map((_, i) => i + 1),
      );
    }),
    { numRuns: 200, seed: 2 },
  );
});

test('prediction file parser: any text either parses to valid rows or throws InputError naming the file (fuzz)', () => {
  const token = fc.oneof(
    fc.constantFrom(
      '0.25',
      '1',
      '0',
      'nan',
      '-0.1',
      'inf',
      '1e-3',
      '0.5',
      '#',
      ',',
      'x',
      '  ',
      '\t',
      '\n',
      '\r\n',
    ),
    fc.string({ maxLength: 6 }),
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 40 }), (parts) => {
      const text = parts.join(' ');
      try {
        const r = parsePredictionFile(text, 'fuzz.txt');
        for (const row of r.rows) {
          assert.equal(row.length, 4);
          assert.ok(row.every((v) => Number.isFinite(v) && v >= 0));
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 1e-3);
        }
        assert.equal(r.rows.length, r.lines.length);
      } catch (err) {
        assert.ok(err instanceof InputError, `not an InputError: ${err}`);
        assert.match((err as Error).message, /^fuzz\.txt(:\d+)?: /);
      }
    }),
    { numRuns: 1000, seed: 3 },
  );
});

const badFiles: { name: string; text: string; message: RegExp }[] = [
  {
    name: 'three columns',
    text: '0.5 0.5 0\n',
    message: /^p\.txt:1: expected 4 columns \(A B C D\), got 3$/,
  },
  {
    name: 'comma separated',
    text: '0.25,0.25,0.25,0.25\n',
    message: /^p\.txt:1: expected 4 columns .*got 1 \(values must be separated by spaces/,
  },
  {
    name: 'NaN on line 3 after a comment',
    text: '# probs\n0.25 0.25 0.25 0.25\n0.25 nan 0.25 0.5\n',
    message: /^p\.txt:3: column 2 \(B\) is NaN$/,
  },
  {
    name: 'negative',
    text: '\n\n0.6 -0.1 0.5 0\n',
    message: /^p\.txt:3: column 2 \(B\) is negative \(-0\.1\)/,
  },
  {
    name: 'row sum',
    text: '0.25 0.25 0.25 0.25\n0.5 0.5 0.5 0\n',
    message: /^p\.txt:2: row sums to 1\.5, expected 1 within 0\.001/,
  },
  {
    name: 'text',
    text: '0.25 0.25 abc 0.5\n',
    message: /^p\.txt:1: column 3 \(C\): expected a number, got "abc"$/,
  },
  {
    name: 'infinite',
    text: '0.25 0.25 0.25 Infinity\n',
    message: /^p\.txt:1: column 4 \(D\) is infinite/,
  },
  { name: 'empty', text: '\n# nothing\n', message: /^p\.txt: no rows/ },
];
for (const c of badFiles) {
  test(`prediction file refused: ${c.name}`, () => {
    assert.throws(
      () => parsePredictionFile(c.text, 'p.txt'),
      (err: unknown) => err instanceof InputError && c.message.test(err.message),
    );
  });
}

test('prediction file accepts numpy.loadtxt-style variations: CRLF, tabs, plain decimals, comments', () => {
  const r = parsePredictionFile('0.1\t0.2 0.3  0.4 # row one\r\n\r\n1 0 0 0\r\n', 'p.txt');
  assert.deepEqual(r.rows, [
    [0.1, 0.2, 0.3, 0.4],
    [1, 0, 0, 0],
  ]);
  assert.deepEqual(r.lines, [1, 3]);
});

test('views with different row counts are refused naming both files and the line', () => {
  const a = parsePredictionFile('1 0 0 0\n0 1 0 0\n', 'ccr.txt');
  const b = parsePredictionFile('1 0 0 0\n', 'mlor.txt');
  assert.throws(
    () => checkSameRowCount([a, b]),
    /ccr\.txt:2: row 2 has no counterpart: mlor\.txt has 1 rows and ccr\.txt has 2/,
  );
  checkSameRowCount([a, a]);
});

test('write then read a prediction file; missing file is an InputError', () => {
  const dir = makeTmpDir();
  const f = path.join(dir, 'predictions_ccr.txt');
  writePredictionFile(f, [
    [0.7, 0.2, 0.05, 0.05],
    [0, 0, 0, 1],
  ]);
  assert.equal(
    fs.readFileSync(f, 'utf8'),
    '6.999999999999999556e-01 2.000000000000000111e-01 5.000000000000000278e-02 5.000000000000000278e-02\n' +
      '0.000000000000000000e+00 0.000000000000000000e+00 0.000000000000000000e+00 1.000000000000000000e+00\n',
  );
  assert.deepEqual(readPredictionFile(f).rows[0], [0.7, 0.2, 0.05, 0.05]);
  assert.throws(
    () => readPredictionFile(path.join(dir, 'nope.txt')),
    /nope\.txt: prediction file does not exist/,
  );
  assert.throws(() => readPredictionFile(dir), /expected a prediction file, got a directory/);
});

test(
  'original prediction files parse and re-format byte for byte',
  { skip: referenceSkip('original-predictions') },
  () => {
    for (const v of ['ccr', 'mlor', 'ccl', 'mlol']) {
      const f = referencePath('original-predictions', `predictions_${v}.txt`);
      const text = fs.readFileSync(f, 'utf8');
      const r = readPredictionFile(f);
      assert.equal(r.rows.length, 128);
      assert.equal(formatPredictionFile(r.rows), text, `${v} re-formatted differs`);
    }
  },
);

test('labels file: letters or 0-3, comments and blanks skipped, bad line named', () => {
  const r = parseLabelsFile('# truth\nA\n b \n\nd\n2\n', 'labels.txt');
  assert.deepEqual(r.labels, [0, 1, 3, 2]);
  assert.deepEqual(r.lines, [2, 3, 5, 6]);
  assert.throws(
    () => parseLabelsFile('A\nE\n', 'labels.txt'),
    /labels\.txt:2: expected one class per line \(A, B, C or D\), got "E"$/,
  );
  assert.throws(() => parseLabelsFile('\n', 'labels.txt'), /labels\.txt: no labels/);
});

const fieldText = fc.string({ maxLength: 12 });
const record: fc.Arbitrary<PredictionRecord> = fc.record({
  file: fieldText,
  subject: fieldText,
  projection: fc.constantFrom('CC_R', 'MLO_L', ''),
  trueClass: fc.constantFrom('A' as const, 'B' as const, 'C' as const, 'D' as const, null),
  probabilities: probRow,
  predictedClass: fc.constantFrom('A' as const, 'B' as const, 'C' as const, 'D' as const),
});

test('prediction CSV round-trips any file names (commas, quotes, newlines) (property)', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 8 }), (records) => {
      const back = parsePredictionCsv(formatPredictionCsv(records), 'p.csv');
      assert.deepEqual(
        back.map(({ line: _line, ...r }) => r),
        records.map((r) => ({ ...r })),
      );
    }),
    { numRuns: 300, seed: 4 },
  );
});

test('parseCsv: quoting and line numbers', () => {
  assert.deepEqual(parseCsv('a,"b,c"\n"x\ny",z\r\n\n"q""",\n', 'f.csv'), [
    { line: 1, fields: ['a', 'b,c'] },
    { line: 2, fields: ['x\ny', 'z'] },
    { line: 5, fields: ['q"', ''] },
  ]);
  assert.throws(() => parseCsv('a,"b\n', 'f.csv'), /f\.csv:1: unterminated quoted field/);
});

test('labels from a prediction CSV; a row without true class is refused with its line', () => {
  const dir = makeTmpDir();
  const rec = (trueClass: 'A' | 'C' | null): PredictionRecord => ({
    file: 'x.png',
    subject: '1',
    projection: 'CC_R',
    trueClass,
    probabilities: [0.25, 0.25, 0.25, 0.25],
    predictedClass: 'A',
  });
  const good = path.join(dir, 'good.csv');
  fs.writeFileSync(good, formatPredictionCsv([rec('C'), rec('A')]));
  assert.deepEqual(readLabelsFromCsv(good).labels, [2, 0]);
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, formatPredictionCsv([rec('C'), rec(null)]));
  assert.throws(() => readLabelsFromCsv(bad), /bad\.csv:3: x\.png has no true_class/);
  const noCol = path.join(dir, 'nocol.csv');
  fs.writeFileSync(noCol, 'file,subject\nx,1\n');
  assert.throws(() => readLabelsFromCsv(noCol), /nocol\.csv:1: missing column "projection"/);
});

test('loadPredictionFolder: original names, labels.txt or the predict CSVs or counts', () => {
  const dir = makeTmpDir();
  const rows = [
    [1, 0, 0, 0],
    [0, 0, 1, 0],
  ];
  writePredictionFile(path.join(dir, 'predictions_ccr.txt'), rows);
  writePredictionFile(path.join(dir, 'predictions_mlol.txt'), rows);
  assert.throws(() => loadPredictionFolder(dir), /no true classes: add labels\.txt/);
  const rec = (trueClass: 'A' | 'C'): PredictionRecord => ({
    file: 'x.png',
    subject: '1',
    projection: 'CC_R',
    trueClass,
    probabilities: [0.25, 0.25, 0.25, 0.25],
    predictedClass: 'A',
  });
  fs.writeFileSync(
    path.join(dir, 'predictions_ccr.csv'),
    formatPredictionCsv([rec('A'), rec('C')]),
  );
  const f = loadPredictionFolder(dir);
  assert.deepEqual(Object.keys(f.views), ['CC_R', 'MLO_L']);
  assert.deepEqual(f.yTrue, [0, 2]);
  assert.match(f.labelsFrom, /predictions_ccr\.csv$/);
  fs.writeFileSync(
    path.join(dir, 'predictions_mlol.csv'),
    formatPredictionCsv([rec('A'), rec('A')]),
  );
  assert.throws(
    () => loadPredictionFolder(dir),
    /predictions_mlol\.csv: true classes differ from .*predictions_ccr\.csv at row 2/,
  );
  fs.writeFileSync(path.join(dir, 'labels.txt'), 'B\nD\n');
  assert.deepEqual(loadPredictionFolder(dir).yTrue, [1, 3]);
  assert.deepEqual(loadPredictionFolder(dir, { counts: [1, 0, 0, 1] }).yTrue, [0, 3]);
  assert.throws(
    () => loadPredictionFolder(dir, { counts: [1, 1, 1, 1] }),
    /has 2 rows but the counts 1,1,1,1 add up to 4/,
  );
  assert.equal(predictionFileName('MLO_R'), 'predictions_mlor.txt');
  assert.throws(
    () => loadPredictionFolder(makeTmpDir()),
    /no prediction files \(expected predictions_ccl\.txt/,
  );
});
