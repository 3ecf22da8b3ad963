/**
 * Staging for commands that write many files into an output folder (gradcam's maps, metrics'
 * figures, preprocess's images): everything is written into a hidden staging folder inside the
 * output folder first, and moved into place only when the whole run succeeded, all or nothing.
 * A failure, SIGINT or SIGTERM removes the staging folder (the latter via
 * {@link failureCleanup}), and the staging folders of killed runs are removed by the next run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { removeStaleTemporaries } from './atomicWrite';
import { createStagingDir } from './createStagingDir';
import { ensureOutputDir } from './ensureOutputDir';
import { failureCleanup } from './failureCleanup';
import { fileSystemError } from './fileSystemError';
import { renameAllOrNothing } from './renameAllOrNothing';
import { resolveOutputFile } from './resolveOutputFile';
import { resolveOutputFolder } from './resolveOutputFolder';

function listFilesUnder(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = path.join(rel, e.name);
    return e.isDirectory() ? listFilesUnder(dir, r) : [r];
  });
}

/** Move every file of `staging` to the same relative path under `outDir`, all or nothing. */
function commitStaging(staging: string, outDir: string): void {
  const files = listFilesUnder(staging);
  for (const dir of new Set(files.map((f) => path.dirname(path.join(outDir, f))))) {
    ensureOutputDir(dir);
  }
  const renames = files.map((f) => {
    const target = resolveOutputFile(path.join(outDir, f));
    return { from: path.join(staging, f), to: target.path, exists: target.exists };
  });
  renameAllOrNothing(renames);
}

/**
 * Run `fill` on a fresh staging folder, then move its files into `outDir`.
 * @param outDir The output folder (created when missing; a link to a folder is written through).
 *   Files already there and not rewritten are kept; rewritten ones are replaced.
 * @param fill Writes the outputs under the staging folder it receives, with the same relative
 *   paths they must have under `outDir`.
 * @returns What `fill` returned.
 * @throws `fill`'s error, or an InputError naming `outDir` for disk full, read-only file
 *   systems or a target that is not a regular file; nothing is moved into `outDir` then.
 */
export async function stageOutputDir<T>(
  outDir: string,
  fill: (staging: string) => T | Promise<T>,
): Promise<T> {
  const real = resolveOutputFolder(outDir);
  ensureOutputDir(real);
  removeStaleTemporaries(real);
  const staging = createStagingDir(path.join(real, 'staging'), outDir);
  try {
    const result = await fill(staging);
    commitStaging(staging, real);
    return result;
  } catch (err) {
    throw fileSystemError(err, outDir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    failureCleanup.release(staging);
  }
}
