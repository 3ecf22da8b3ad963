/**
 * The `breast-density` command-line tool: one file per command under `commands/`, each exporting
 * a `register…Command(program)` function; this file wires them and maps errors to exit codes:
 * 0 success, 1 usage error, 2 bad input (one line on stderr naming the file and the problem).
 */
import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../errors';
import { registerBenchCommand } from './commands/bench';
import { registerGradcamCommand } from './commands/gradcam';
import { registerImportKerasCommand } from './commands/importKeras';
import { registerInfoCommand } from './commands/info';
import { registerMetricsCommand } from './commands/metrics';
import { registerPhantomCommand } from './commands/phantom';
import { registerPredictCommand } from './commands/predict';
import { registerPreprocessCommand } from './commands/preprocess';
import { registerSummaryCommand } from './commands/summary';
import { registerTrainCommand } from './commands/train';

/** Build the command tree (no side effects until `parseAsync`). */
export function createProgram(): Command {
  const program = new Command('breast-density')
    .description(
      'Breast-density (BI-RADS A-D) CNN classifier: model, training, prediction, figures of merit and Grad-CAM.',
    )
    .showHelpAfterError()
    .exitOverride();
  // In the order of the workflow, as `--help` lists them.
  registerSummaryCommand(program);
  registerInfoCommand(program);
  registerPhantomCommand(program);
  registerPreprocessCommand(program);
  registerTrainCommand(program);
  registerPredictCommand(program);
  registerMetricsCommand(program);
  registerGradcamCommand(program);
  registerImportKerasCommand(program);
  registerBenchCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError();
  return program;
}

/**
 * Run the CLI.
 * @param argv Arguments after the program name.
 * @returns The exit code (the caller sets `process.exitCode`).
 */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exit code 0; anything else is a usage error.
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`breast-density: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
