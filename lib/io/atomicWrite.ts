/**
 * Crash-safe file and directory writes.
 *
 * Every file this project writes (models, checkpoints, prediction files, histories, maps) goes
 * through these helpers: the data is written to a temporary name in the same directory, flushed
 * to disk, and renamed over the target. A crash (SIGINT, SIGTERM, `kill -9`, power loss) leaves
 * either the old file or the new one, never a half-written file that loads as if complete.
 * Temporary names contain `.tmp-` so that readers and `.gitignore` can skip them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

/** The infix of every temporary name this module creates. Readers skip names containing it. */
export const TMP_INFIX = '.tmp-';

function tmpName(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(
    dir,
    `.${base}${TMP_INFIX}${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  );
}

function fsyncDir(dir: string): void {
  // Make the rename itself durable. Not all platforms allow opening a directory (Windows).
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* directory fsync unsupported on this platform: the rename is still atomic */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Make sure `dir` exists and is writable, or throw an {@link InputError} naming it.
 * @param dir Directory path; created with its parents when missing.
 */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${dir}: output directory is not writable (${code})`, { cause: err });
  }
}

/**
 * Write a file atomically: temporary file in the same directory, fsync, rename.
 * The parent directory is created when missing.
 * @param target Final path.
 * @param data File contents (string is written as UTF-8).
 * @throws InputError when the directory is not writable.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  ensureWritableDir(path.dirname(target));
  const tmp = tmpName(target);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(target));
}

/**
 * Write a whole directory atomically: `fill` writes into a fresh temporary directory beside
 * `target`, which then replaces `target` by rename. If `target` already exists it is moved
 * aside first and deleted only after the new directory is in place, so at every instant either
 * the complete old directory or the complete new one is at `target` (during the swap, for an
 * instant, neither is; a reader then finds it missing, never half-written).
 * @param target Final directory path.
 * @param fill Writes the directory's files; receives the temporary directory path.
 */
export async function writeDirAtomic(
  target: string,
  fill: (tmpDir: string) => void | Promise<void>,
): Promise<void> {
  const parent = path.dirname(path.resolve(target));
  ensureWritableDir(parent);
  const tmp = tmpName(path.resolve(target));
  fs.mkdirSync(tmp);
  try {
    await fill(tmp);
    for (const f of fs.readdirSync(tmp)) {
      const fd = fs.openSync(path.join(tmp, f), 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
    let old: string | undefined;
    if (fs.existsSync(target)) {
      old = tmpName(path.resolve(target));
      fs.renameSync(target, old);
    }
    fs.renameSync(tmp, target);
    fsyncDir(parent);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Remove leftover temporary files or directories of interrupted writes in `dir` (not recursive).
 * @returns The names removed.
 */
export function removeStaleTemporaries(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (name.includes(TMP_INFIX)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}
