import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAM_METHODS } from '../../lib/cam/camTypes';
import { parseChoiceListOption, parseChoiceOption } from '../../lib/cli/options';
import { UsageError } from '../../lib/errors';
import { CLASS_NAMES, PROJECTIONS } from '../../lib/model/constants';

const CLASS_CHOICES = ['pred', 'true', ...CLASS_NAMES];

/** [option, choices, value, canonical value or null for a UsageError]. */
const CASES: [string, readonly string[], string, string | null][] = [
  ['--projection', PROJECTIONS, 'CC_R', 'CC_R'],
  ['--projection', PROJECTIONS, 'cc_r', 'CC_R'],
  ['--projection', PROJECTIONS, ' Mlo_L ', 'MLO_L'],
  ['--projection', PROJECTIONS, 'CC', null],
  ['--projection', PROJECTIONS, 'CCR', null],
  ['--class', CLASS_CHOICES, 'b', 'B'],
  ['--class', CLASS_CHOICES, 'PRED', 'pred'],
  ['--class', CLASS_CHOICES, 'True', 'true'],
  ['--class', CLASS_CHOICES, 'E', null],
  ['--method', CAM_METHODS, 'GradCAM++', 'gradcam++'],
  ['--method', CAM_METHODS, 'saliency', 'saliency'],
  ['--method', CAM_METHODS, 'scorecam', null],
];

for (const [name, choices, value, expected] of CASES) {
  test(`parseChoiceOption ${name} "${value}" → ${expected ?? 'UsageError'}`, () => {
    const parse = parseChoiceOption(name, choices);
    if (expected !== null) {
      assert.equal(parse(value), expected);
      return;
    }
    assert.throws(
      () => parse(value),
      (err: unknown) =>
        err instanceof UsageError &&
        err.message === `${name}: expected one of ${choices.join(', ')}, got "${value}"`,
    );
  });
}

/** [value, parsed list or null for a UsageError] of `--projections`. */
const LIST_CASES: [string, string[] | null][] = [
  ['CC_R', ['CC_R']],
  ['mlo_r,cc_r', ['CC_R', 'MLO_R']],
  ['CC_R, CC_R ,', ['CC_R']],
  ['CC_L,CC_R,MLO_L,MLO_R', [...PROJECTIONS]],
  [',', null],
  ['CC_R,CC', null],
];

for (const [value, expected] of LIST_CASES) {
  test(`parseChoiceListOption --projections "${value}" → ${expected?.join('+') ?? 'UsageError'}`, () => {
    const parse = parseChoiceListOption('--projections', PROJECTIONS);
    if (expected !== null) {
      assert.deepEqual(parse(value), expected);
      return;
    }
    assert.throws(
      () => parse(value),
      (err: unknown) =>
        err instanceof UsageError && err.message.startsWith('--projections: expected'),
    );
  });
}
