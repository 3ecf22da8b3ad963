import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { parseImageName } from '../../lib/data/parseImageName';
import { parseImagePath } from '../../lib/data/parseImagePath';

/** [path, trueClass, projection, subject, warnings (substrings, in order)]. */
const CASES: [string, string | null, string | null, string | null, string[]][] = [
  // The two disagreeing cases of issue 19: the folder wins.
  [
    'CC_R/test/A/123_1_B_CC_R.png',
    'A',
    'CC_R',
    '123',
    ['class folder says A, the file name says B'],
  ],
  ['MLO_L/A/img_1.png', 'A', 'MLO_L', null, []],
  // Folder and name agree, or only one of them speaks.
  ['CC_R/test/B/123_1_B_CC_R.png', 'B', 'CC_R', '123', []],
  ['/d/C/scan.png', 'C', null, null, []],
  ['/d/x/124_1_a_MLO_L.png', 'A', 'MLO_L', '124', []],
  ['/d/x/other.png', null, null, null, []],
  ['/d/x/9_2_D_CC_L.jpeg', 'D', 'CC_L', '9', []],
  // Projection folder against the name.
  [
    'MLO_R/D/7_1_D_CC_L.png',
    'D',
    'MLO_R',
    '7',
    ['projection folder says MLO_R, the file name says CC_L'],
  ],
  [
    'CC_L/b/5_1_C_MLO_R.png',
    'C',
    'CC_L',
    '5',
    ['projection folder says CC_L, the file name says MLO_R'],
  ],
  // Class folders are exact (upper case, as Keras' class folders); names are any case.
  ['/d/a/scan.png', null, null, null, []],
  // Nearest projection folder wins; a class-like name outside the A–D set is not a class.
  ['CC_L/MLO_R/A/x.png', 'A', 'MLO_R', null, []],
  ['/d/x/12_1_E_CC_R.png', null, 'CC_R', '12', []],
  // Names that do not fit the pattern give nothing.
  ['/d/A/12_1_B_CC.png', 'A', null, null, []],
  ['/d/A/12_B_CC_R.png', 'A', null, null, []],
];

for (const [file, trueClass, projection, subject, warnings] of CASES) {
  test(`parseImagePath ${file} → class ${trueClass}, projection ${projection}`, () => {
    const lines: string[] = [];
    const ref = parseImagePath(file, { warn: (l) => lines.push(l) });
    assert.deepEqual(
      { trueClass: ref.trueClass, projection: ref.projection, subject: ref.subject },
      { trueClass, projection, subject },
    );
    assert.equal(ref.path, path.resolve(file));
    assert.equal(ref.name, file);
    assert.equal(lines.length, warnings.length, lines.join('\n'));
    warnings.forEach((w, i) => {
      assert.ok(lines[i].includes(w), lines[i]);
      assert.ok(lines[i].startsWith(file), lines[i]);
      assert.ok(lines[i].includes('using the folder'), lines[i]);
    });
  });
}

test('parseImagePath: folder facts given by a dataset listing override the path', () => {
  const lines: string[] = [];
  const ref = parseImagePath('/r/B/sub/1_1_A_CC_R.png', {
    name: 'B/sub/1_1_A_CC_R.png',
    folder: { className: 'B', projection: 'CC_L' },
    warn: (l) => lines.push(l),
  });
  assert.deepEqual(
    [ref.trueClass, ref.projection, ref.name],
    ['B', 'CC_L', 'B/sub/1_1_A_CC_R.png'],
  );
  assert.equal(lines.length, 2);
});

test('parseImagePath: no warning callback, no failure', () => {
  assert.equal(parseImagePath('CC_R/test/A/123_1_B_CC_R.png').trueClass, 'A');
});

const NAMES: [string, ReturnType<typeof parseImageName>][] = [
  ['124_1_A_CC_L.png', { subject: '124', index: 1, className: 'A', projection: 'CC_L' }],
  ['p_x_3_b_MLO_R.PNG', { subject: 'p_x', index: 3, className: 'b', projection: 'MLO_R' }],
  ['124_1_A_cc_l.png', null],
  ['124_1_A_CC_L', null],
  ['scan.png', null],
];
for (const [name, expected] of NAMES) {
  test(`parseImageName ${name}`, () => assert.deepEqual(parseImageName(name), expected));
}
