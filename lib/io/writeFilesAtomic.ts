/**
 * The project's one way to write output files: every command and library writer goes through
 * this (directly or via `writeFileAtomic`). For each file: the target is checked
 * (`resolveOutputFile`: never replace a device, FIFO, directory or dangling link; write through
 * a link to a regular file), the parent folder is made without recursive mkdir
 * (`ensureOutputDir`), the data goes to a temporary name beside the target, is flushed, and is
 * renamed onto the target. With several files, nothing is renamed before every one is written
 * and flushed, and the renames are all-or-nothing (`renameAllOrNothing`). On any failure the
 * temporaries are removed; disk full, quota, read-only or kernel file systems give one
 * {@link InputError} naming the target.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ensureOutputDir } from './ensureOutputDir';
import { failureCleanup } from './failureCleanup';
import { fileSystemError } from './fileSystemError';
import { renameAllOrNothing, type PendingRename } from './renameAllOrNothing';
import { resolveOutputFile } from './resolveOutputFile';
import { temporaryName } from './temporaryName';

/** One file for {@link writeFilesAtomic}. */
export interface OutputFile {
  /** Target path (relative to the working directory or absolute). */
  path: string;
  /** Contents; a string is written as UTF-8. The caller keeps ownership of the bytes. */
  data: string | Uint8Array;
}

function writeTemporary(tmp: string, data: string | Uint8Array): void {
  const fd = fs.openSync(tmp, 'wx');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Make the renames durable. Not all platforms allow opening a directory (Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return; // directory fsync unsupported on this platform: the renames are still atomic
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    /* EINVAL/EPERM on some file systems: the renames are still atomic */
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Write `files` all or nothing (see the module comment).
 * @param files Targets and contents; distinct paths.
 * @throws InputError naming the first target that cannot be written (nothing is changed then).
 */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const targets = files.map((f) => {
    ensureOutputDir(path.dirname(path.resolve(f.path)));
    return resolveOutputFile(f.path);
  });
  const renames: PendingRename[] = [];
  let current = files[0]?.path ?? '';
  try {
    files.forEach((f, i) => {
      current = f.path;
      const tmp = temporaryName(targets[i].path);
      failureCleanup.add(tmp);
      renames.push({ from: tmp, to: targets[i].path, exists: targets[i].exists });
      writeTemporary(tmp, f.data);
    });
    current = files.map((f) => f.path).join(', ');
    renameAllOrNothing(renames);
  } catch (err) {
    for (const r of renames) fs.rmSync(r.from, { force: true });
    throw fileSystemError(err, current);
  } finally {
    for (const r of renames) failureCleanup.release(r.from);
  }
  for (const dir of new Set(renames.map((r) => path.dirname(r.to)))) fsyncDir(dir);
}
