/** Where an output folder really is (see {@link resolveOutputFolder}). */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { fileSystemError } from './fileSystemError';

/**
 * The real folder behind an output folder path: a symbolic link to a directory is written
 * through (the link is kept); a file, device, or a link to nothing is refused.
 * @param target Folder path the user gave.
 * @returns The absolute path of the folder to write (it may not exist yet).
 * @throws InputError naming `target` when it exists and is not a directory.
 */
export function resolveOutputFolder(target: string): string {
  const abs = path.resolve(target);
  let lst: fs.Stats;
  try {
    lst = fs.lstatSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return abs;
    throw fileSystemError(err, target);
  }
  if (!lst.isSymbolicLink()) {
    if (!lst.isDirectory()) throw new InputError(`${target}: exists and is not a directory`);
    return abs;
  }
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch (err) {
    throw new InputError(
      `${target}: is a symbolic link to nothing; remove it or give another path`,
      {
        cause: err,
      },
    );
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new InputError(`${target}: is a symbolic link to ${real}, which is not a directory`);
  }
  return real;
}
