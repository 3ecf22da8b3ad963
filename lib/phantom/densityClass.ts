/**
 * BI-RADS density class of a dense-tissue fraction (dense pixels over breast pixels).
 *
 * The 5th-edition BI-RADS categories are visual, but they are commonly tied to the percentage of
 * fibroglandular tissue in quartiles (the 4th edition's definition): A < 25 %, B 25–50 %,
 * C 50–75 %, D ≥ 75 %. The phantom generator labels its images with these thresholds;
 * pass others to change them.
 */
import { CLASS_NAMES, type ClassName } from '../model/constants';

/** Default class thresholds on the dense fraction: [A|B, B|C, C|D]. */
export const DENSITY_THRESHOLDS: readonly [number, number, number] = [0.25, 0.5, 0.75];

/**
 * Class of a dense fraction.
 * @param fraction Dense fraction in [0, 1].
 * @param thresholds Increasing boundaries [A|B, B|C, C|D]; a fraction equal to a boundary belongs
 *   to the upper class (25 % is B).
 * @returns 'A' | 'B' | 'C' | 'D'.
 */
export function densityClass(
  fraction: number,
  thresholds: readonly [number, number, number] = DENSITY_THRESHOLDS,
): ClassName {
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`densityClass: expected a fraction in [0, 1], got ${fraction}`);
  }
  if (!(thresholds[0] < thresholds[1] && thresholds[1] < thresholds[2])) {
    throw new RangeError(`densityClass: expected increasing thresholds, got [${thresholds}]`);
  }
  let k = 0;
  while (k < 3 && fraction >= thresholds[k]) k++;
  return CLASS_NAMES[k];
}

/**
 * The dense-fraction interval of a class.
 * @returns `[lo, hi)` (A starts at 0, D ends at 1).
 */
export function classInterval(
  className: ClassName,
  thresholds: readonly [number, number, number] = DENSITY_THRESHOLDS,
): [number, number] {
  const k = CLASS_NAMES.indexOf(className);
  const bounds = [0, ...thresholds, 1];
  return [bounds[k], bounds[k + 1]];
}
