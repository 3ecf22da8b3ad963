/**
 * Crash-safe file and directory writes.
 *
 * Every file this project writes (models, checkpoints, prediction files, histories, maps) goes
 * through these helpers, which share one mechanism (`writeFilesAtomic.ts`): the data is written
 * to a temporary name in the same directory, flushed to disk, and renamed over the target. A
 * crash (SIGINT, SIGTERM, `kill -9`, power loss) leaves either the old file or the new one, never
 * a half-written file that loads as if complete. Targets that are not regular files are never
 * replaced (`resolveOutputFile.ts`), folders are created without recursive mkdir
 * (`ensureOutputDir.ts`), and file-system failures of the environment (disk full, read-only,
 * /proc) become one-line {@link InputError}s naming the path (`fileSystemError.ts`).
 * Temporary names contain `.tmp-` and the writer's pid (`temporaryName.ts`), so that readers and
 * `.gitignore` skip them and a later run removes those of a killed one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createStagingDir } from './createStagingDir';
import { ensureOutputDir } from './ensureOutputDir';
import { failureCleanup } from './failureCleanup';
import { resolveOutputFolder } from './resolveOutputFolder';
import { fileSystemError } from './fileSystemError';
import { TMP_INFIX, temporaryName } from './temporaryName';
import { writeFilesAtomic } from './writeFilesAtomic';

export { TMP_INFIX };

/**
 * Make sure `dir` exists and is writable, or throw an {@link InputError} naming it.
 * @param dir Directory path; created with its parents when missing (one level at a time).
 */
export function ensureWritableDir(dir: string): void {
  ensureOutputDir(dir);
}

/**
 * Write a file atomically: temporary file in the same directory, fsync, rename.
 * The parent directory is created when missing.
 * @param target Final path (a symbolic link to a regular file is written through).
 * @param data File contents (string is written as UTF-8).
 * @throws InputError when the directory is not writable, the target is not a regular file, or
 *   the disk is full (the temporary file is removed).
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ path: target, data }]);
}

/** fsync every regular file directly in `dir`. */
function fsyncFiles(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const fd = fs.openSync(path.join(dir, e.name), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Write a whole directory atomically: `fill` writes into a fresh temporary directory beside
 * `target`, which then replaces `target` by rename. If `target` already exists it is moved
 * aside first and deleted only after the new directory is in place, so at every instant either
 * the complete old directory or the complete new one is at `target` (during the swap, for an
 * instant, neither is; a reader then finds it missing, never half-written). A symbolic link to
 * a directory is written through (the link is kept). The temporary directory is removed on
 * failure and on SIGINT/SIGTERM (via {@link failureCleanup}); those of killed runs beside
 * `target` are removed first.
 * @param target Final directory path.
 * @param fill Writes the directory's files; receives the temporary directory path.
 * @throws InputError for a target that is not a directory, or disk full / read-only.
 */
export async function writeDirAtomic(
  target: string,
  fill: (tmpDir: string) => void | Promise<void>,
): Promise<void> {
  const real = resolveOutputFolder(target);
  const parent = path.dirname(real);
  ensureOutputDir(parent);
  removeStaleTemporaries(parent);
  const tmp = createStagingDir(real, target);
  try {
    await fill(tmp);
    fsyncFiles(tmp);
    let old: string | undefined;
    if (fs.existsSync(real)) {
      old = temporaryName(real);
      failureCleanup.add(old);
      fs.renameSync(real, old);
    }
    fs.renameSync(tmp, real);
    if (old) {
      fs.rmSync(old, { recursive: true, force: true });
      failureCleanup.release(old);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw fileSystemError(err, target);
  } finally {
    failureCleanup.release(tmp);
  }
}

/** Whether process `pid` is alive (EPERM: alive but someone else's). */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This project's temporary names: `.<base>.tmp-<pid>-…` and the older `.preprocess.tmp-XXXXXX`. */
const OWN_TEMPORARY = /^\..*\.tmp-(?:(\d+)-[0-9a-z-]+|[A-Za-z0-9]{6})$/;

/**
 * Remove leftover temporary files or directories of interrupted writes in `dir` (not recursive):
 * names of this project's format (`.<base>.tmp-<pid>-…`) whose writer is no longer alive, and
 * the pid-less staging folders of older versions. The live temporaries of concurrent runs, and
 * any name not of this format, are kept.
 * @param dir Folder to clean; nothing happens when it does not exist.
 * @returns The names removed.
 */
export function removeStaleTemporaries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = OWN_TEMPORARY.exec(name);
    if (!m || (m[1] !== undefined && isAlive(Number(m[1])))) continue;
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
