/**
 * Names of the temporary files and folders of this project's writes:
 * `.<base>.tmp-<pid>-<time>-<random>` beside the target. The pid lets a later run tell the
 * leftovers of a killed run (pid no longer alive) from the live staging of a concurrent run.
 */
import * as path from 'path';

/** The infix of every temporary name this project creates. Readers skip names containing it. */
export const TMP_INFIX = '.tmp-';

/**
 * A fresh temporary name beside `target` (same directory, so a rename onto `target` is atomic).
 * @param target Final path (file or folder).
 * @returns An absolute-or-relative path like `target`'s, `.<base>.tmp-<pid>-<time>-<random>`.
 */
export function temporaryName(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  const rand = Math.random().toString(36).slice(2, 8);
  return path.join(dir, `.${base}${TMP_INFIX}${process.pid}-${Date.now().toString(36)}-${rand}`);
}
