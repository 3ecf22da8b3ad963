import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { createDensityModel } from '../../model/createDensityModel';
import { formatModelSummary, modelSummary } from '../../model/modelSummary';
import { parseSizeOption } from '../options';

/** `breast-density summary [--size N] [--json]`: the architecture table, as Keras prints it. */
export function registerSummaryCommand(program: Command): void {
  program
    .command('summary')
    .description('Print the ResNet architecture: layers, output shapes, parameters, connections.')
    .option('--size <N|WxH>', 'input size in pixels', parseSizeOption('--size'), [650, 650] as [
      number,
      number,
    ])
    .option('--json', 'print JSON instead of the table')
    .action(async (opts: { size: [number, number]; json?: boolean }) => {
      await initBackend();
      const model = createDensityModel({ inputSize: opts.size, seed: 0 });
      try {
        const summary = modelSummary(model);
        process.stdout.write(
          opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatModelSummary(summary)}\n`,
        );
      } finally {
        model.dispose();
      }
    });
}
