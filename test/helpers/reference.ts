/**
 * Access to the unlicensed reference material in ../shared/reference (never committed).
 * Tests that need it call {@link referenceSkip} and skip, with the reason, when it is absent.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Absolute path of the reference folder (override with DENSITY_REFERENCE_DIR). */
export const REFERENCE_DIR = path.resolve(
  process.env.DENSITY_REFERENCE_DIR ??
    path.join(__dirname, '..', '..', '..', 'shared', 'reference'),
);

/**
 * `false` when `relative` exists under the reference folder, else a skip message for `t.skip`
 * / the `skip` test option.
 */
export function referenceSkip(relative = ''): string | false {
  const p = path.join(REFERENCE_DIR, relative);
  return fs.existsSync(p)
    ? false
    : `reference material absent (${p}); this test needs ../shared/reference`;
}

/** Path inside the reference folder. */
export function referencePath(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}
