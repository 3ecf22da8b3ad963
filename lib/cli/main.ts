/**
 * The `breast-density` command-line tool: one file per command under `commands/`, each exporting
 * a `register…Command(program)` function; this file wires them and maps errors to exit codes:
 * 0 success, 1 usage error, 2 bad input (one line on stderr naming the file and the problem).
 */
import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../errors';
import { failureCleanup } from '../io/failureCleanup';
import { CLI_COMMANDS } from './cliCommands';
import { exitOnSignal } from './exitOnSignal';

/**
 * Build the command tree (no side effects until `parseAsync`). Only the command named in `argv`
 * is loaded and fully defined; the others are listed (name, arguments, one-line summary) so that
 * `--help` and unknown-command suggestions work without loading every command's dependencies.
 * @param argv Arguments after the program name (none: every command listed, none loaded).
 */
export function createProgram(argv: readonly string[] = []): Command {
  const program = new Command('breast-density')
    .description(
      'Breast-density (BI-RADS A-D) CNN classifier: model, training, prediction, figures of merit and Grad-CAM.',
    )
    .showHelpAfterError()
    .exitOverride();
  // `help <command>` shows that command's full help, so that command is loaded too.
  const words = argv.filter((a) => !a.startsWith('-'));
  const wanted = words[0] === 'help' ? words[1] : words[0];
  for (const entry of CLI_COMMANDS) {
    if (entry.name === wanted) {
      entry.register(program);
      program.commands[program.commands.length - 1].summary(entry.summary);
    } else {
      program.command(`${entry.name} ${entry.args}`.trim()).summary(entry.summary);
    }
  }
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError();
  return program;
}

/**
 * Run the CLI. A command that fails (or is stopped by SIGINT/SIGTERM) leaves nothing partial:
 * what it registered with `failureCleanup` (staging, temporaries, an `--out` it created) is
 * removed before the error is reported.
 * @param argv Arguments after the program name.
 * @returns The exit code (the caller sets `process.exitCode`).
 */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram(argv);
  const removeSignalHandlers = exitOnSignal();
  try {
    await program.parseAsync(argv, { from: 'user' });
    failureCleanup.clear();
    return 0;
  } catch (err) {
    failureCleanup.run();
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; anything else is a usage error.
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`breast-density: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  } finally {
    removeSignalHandlers();
  }
}
