/** A fresh staging folder, registered for removal on failure and on SIGINT/SIGTERM. */
import * as fs from 'fs';
import { failureCleanup } from './failureCleanup';
import { fileSystemError } from './fileSystemError';
import { temporaryName } from './temporaryName';

/**
 * Create the staging folder `.<base>.tmp-<pid>-…` beside `target` and register it with
 * {@link failureCleanup}. The caller removes it (and calls `failureCleanup.release`) when done.
 * @param target The path the staging stands for (its folder holds the staging folder).
 * @param shownAs The user's name for the output, for messages.
 * @returns The staging folder's path.
 * @throws InputError naming `shownAs` when the folder cannot be created (disk full, read-only).
 */
export function createStagingDir(target: string, shownAs: string): string {
  const staging = temporaryName(target);
  try {
    fs.mkdirSync(staging);
  } catch (err) {
    throw fileSystemError(err, shownAs);
  }
  failureCleanup.add(staging);
  return staging;
}
