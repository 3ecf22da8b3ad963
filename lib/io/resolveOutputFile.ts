/**
 * The one policy for an output file path that already exists as something other than a regular
 * file:
 *
 * | what is at the path                 | result                                                   |
 * |-------------------------------------|----------------------------------------------------------|
 * | nothing, or a regular file          | the path itself (a new file is renamed onto it)          |
 * | a symbolic link to a regular file   | written through: the link's target is replaced, the link kept |
 * | a symbolic link to nothing          | refused (exit 2): the link would be replaced by a file    |
 * | a directory                         | refused (exit 2)                                          |
 * | a device (`/dev/null`, `/dev/full`), FIFO or socket | refused (exit 2): never replaced, never written to |
 *
 * Devices and FIFOs are refused rather than written to because every output of this project is
 * renamed into place (a half-written file is never visible) and several commands write a second
 * file beside the first (`p.txt` + `p.csv`), which makes no sense for a device.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { fileSystemError } from './fileSystemError';

/** What {@link resolveOutputFile} found. */
export interface OutputFileTarget {
  /** The path to rename the new file onto (the link's target for a symbolic link). */
  path: string;
  /** Whether a regular file is there now (it will be replaced). */
  exists: boolean;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Apply the table above to `target`.
 * @param target The output file path the user gave (relative or absolute).
 * @returns Where to rename the new file, and whether a regular file is there.
 * @throws InputError naming `target` for anything the table refuses.
 */
export function resolveOutputFile(target: string): OutputFileTarget {
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: target, exists: false };
    throw fileSystemError(err, target);
  }
  let real = target;
  let st = lst;
  if (lst.isSymbolicLink()) {
    try {
      real = fs.realpathSync(target);
      st = fs.statSync(real);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new InputError(
          `${target}: is a symbolic link to a missing file; remove it or give another path`,
        );
      }
      throw fileSystemError(err, target);
    }
  }
  if (!st.isFile()) {
    const via = real === target ? '' : ` (through the symbolic link, ${real})`;
    throw new InputError(
      `${target}: is ${kindOf(st)}${via}, not a regular file; refusing to write or replace it (give a file path)`,
    );
  }
  return { path: real, exists: true };
}
