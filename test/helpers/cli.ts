/** Run the real CLI binary in a child process. */
import { spawnSync } from 'child_process';
import * as path from 'path';

/** Result of a CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Path of the CLI entry point. */
export const CLI = path.join(__dirname, '..', '..', 'bin', 'breast-density.js');

/** Run `breast-density …args` and capture its exit code and output. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Error lines of a CLI's stderr: lines starting `breast-density: ` other than the backend and
 * engine reports and notes.
 */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('breast-density: ') &&
        !l.startsWith('breast-density: TensorFlow.js') &&
        !l.startsWith('breast-density: engine ') &&
        !l.startsWith('breast-density: note: '),
    );
}
