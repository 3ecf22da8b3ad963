/**
 * The paths to remove when the process does not end in success: staging folders and temporary
 * files while they are being filled, and output folders a command created (a failing command
 * leaves no empty `--out` behind). The CLI runs {@link FailureCleanup.run} when a command fails
 * or on SIGINT/SIGTERM (`lib/cli/exitOnSignal.ts`), and {@link FailureCleanup.clear} on success.
 * Library callers (notebooks) may ignore it: owners also remove their staging in `finally`.
 */
import * as fs from 'fs';

/** The registry type of {@link failureCleanup}. */
export interface FailureCleanup {
  /** Remove `path` (recursively) if the process fails or is interrupted. */
  add(path: string): void;
  /** Forget `path` (committed, or already removed by its owner). */
  release(path: string): void;
  /** Remove every registered path now, newest first (synchronous: safe in a signal handler). */
  run(): void;
  /** Forget everything (the command succeeded). */
  clear(): void;
  /**
   * While > 0, a command handles SIGINT/SIGTERM itself (train: finish the batch, write a
   * checkpoint); the CLI's signal handler then does nothing.
   */
  signalsHandledByCommand: number;
}

const paths: string[] = [];

/** The process-wide registry (module state; nothing runs at import time). */
export const failureCleanup: FailureCleanup = {
  add(p) {
    paths.push(p);
  },
  release(p) {
    const i = paths.lastIndexOf(p);
    if (i >= 0) paths.splice(i, 1);
  },
  run() {
    let first: unknown;
    for (const p of paths.splice(0).reverse()) {
      try {
        // Rename first (atomic): worker threads still writing under the old path then fail
        // instead of refilling the folder while it is being removed.
        const doomed = `${p}-removing`;
        let target = p;
        try {
          fs.renameSync(p, doomed);
          target = doomed;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // already gone
          // rename refused (e.g. a busy mount): remove in place
        }
        fs.rmSync(target, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
      } catch (err) {
        first ??= err; // try the others, then report the first failure
      }
    }
    if (first !== undefined) throw first;
  },
  clear() {
    paths.length = 0;
  },
  signalsHandledByCommand: 0,
};
