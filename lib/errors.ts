/**
 * Error types that the CLI maps to exit codes, and that notebooks show as one line.
 *
 * - {@link InputError}: the user's input is wrong (a missing file, a truncated PNG, a malformed
 *   prediction file, a model directory that does not match). CLI exit code 2.
 * - {@link UsageError}: the command line itself is wrong (unknown flag, bad value). CLI exit code 1.
 *
 * Anything else is a bug and is shown with its stack trace.
 */

/** Bad input: the message names the file (or value) and what is wrong with it. Exit code 2. */
export class InputError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** Bad command-line usage (unknown option, value out of range). Exit code 1. */
export class UsageError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The message of any thrown value, without a stack trace.
 * @param err Anything caught in a `catch`.
 * @returns `err.message` for errors, `String(err)` otherwise.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
