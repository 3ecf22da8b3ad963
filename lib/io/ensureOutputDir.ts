/**
 * Create an output folder and its missing parents one level at a time, never with
 * `fs.mkdirSync(dir, { recursive: true })`: under `/proc` (and other kernel file systems) that
 * call retries forever at 100 % CPU, because `mkdir` reports ENOENT for a parent that exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { failureCleanup } from './failureCleanup';
import { fileSystemError } from './fileSystemError';

/** Options of {@link ensureOutputDir}. */
export interface EnsureOutputDirOptions {
  /**
   * Register the outermost folder created here with {@link failureCleanup}, so that a failing
   * CLI command removes it again (default false: the CLI commands pass true for their `--out`).
   */
  removeOnFailure?: boolean;
}

/**
 * Make sure `dir` is an existing, writable directory, creating it and its missing parents.
 * The parent chain is validated here: the nearest existing ancestor must be a directory (a
 * symbolic link to one is followed), and each missing level is created with a plain `mkdir`.
 * @param dir Directory path (relative to the working directory or absolute).
 * @param options See {@link EnsureOutputDirOptions}.
 * @returns The directories created, outermost first (empty when `dir` existed).
 * @throws InputError naming `dir` when a component is a file, a level cannot be created (ENOENT
 *   under /proc, EROFS, EACCES, ENOSPC …) or the folder is not writable.
 */
export function ensureOutputDir(dir: string, options: EnsureOutputDirOptions = {}): string[] {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fileSystemError(err, dir, 'output directory is not writable');
    }
    if (st) {
      if (!st.isDirectory()) {
        throw new InputError(
          `${dir}: output directory is not writable: ${cur} exists and is not a directory`,
        );
      }
      break;
    }
    missing.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break; // a missing root: mkdir below reports it
    cur = parent;
  }
  const created: string[] = [];
  try {
    for (const d of missing) {
      if (!makeDir(d)) continue; // created meanwhile by a concurrent run
      created.push(d);
      if (options.removeOnFailure === true && created.length === 1) failureCleanup.add(d);
    }
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    if (created.length > 0) {
      fs.rmSync(created[0], { recursive: true, force: true });
      failureCleanup.release(created[0]);
    }
    throw fileSystemError(err, dir, 'output directory is not writable');
  }
  return created;
}

/** `mkdir` one level; false when it appeared meanwhile as a directory (a concurrent run). */
function makeDir(d: string): boolean {
  try {
    fs.mkdirSync(d);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory())
      return false;
    throw err;
  }
}
