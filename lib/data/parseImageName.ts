import { isProjection, type Projection } from '../model/constants';

const ORIGINAL_NAME_RE = /^(.+?)_(\d+)_([A-Za-z]+)_((?:CC|MLO)_[LR])\.[A-Za-z]+$/;

/**
 * Parse a file name of the original data set, `<subject>_<n>_<class>_<projection>.<ext>` (e.g.
 * `124_1_A_CC_L.png`). Only the base name: folders are {@link parseImagePath}'s business.
 * @param fileName Base name with extension.
 * @returns The parts (class as written, any case; projection upper-case as required by the
 *   pattern), or null when the name does not fit.
 */
export function parseImageName(
  fileName: string,
): { subject: string; index: number; className: string; projection: Projection } | null {
  const m = ORIGINAL_NAME_RE.exec(fileName);
  if (!m || !isProjection(m[4])) return null;
  return { subject: m[1], index: Number(m[2]), className: m[3], projection: m[4] };
}
