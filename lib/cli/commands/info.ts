import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { loadDensityModel } from '../../modelFiles/loadDensityModel';
import { modelSummary } from '../../model/modelSummary';

/** `breast-density info <modelDir> [--json]`: metadata and size of a saved model. */
export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description(
      'Show a saved model: metadata (input size, classes, projection, provenance) and parameter counts.',
    )
    .argument('<modelDir>', 'model directory (model.json + weight shards)')
    .option('--json', 'print JSON')
    .action(async (modelDir: string, opts: { json?: boolean }) => {
      await initBackend();
      const { model, metadata, dir } = await loadDensityModel(modelDir);
      try {
        const s = modelSummary(model);
        const info = {
          dir,
          ...metadata,
          total_params: s.total_params,
          trainable_params: s.trainable_params,
          non_trainable_params: s.non_trainable_params,
          layers: s.layers.length,
          output_classes: model.outputs[0].shape[1],
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
          return;
        }
        const p = metadata.provenance;
        const lines = [
          `model        ${dir}`,
          `input        ${metadata.inputSize[0]}x${metadata.inputSize[1]}x3 (${metadata.preprocessing.kind}, ${metadata.preprocessing.resize} resize)`,
          `classes      ${metadata.classNames.join(' ')}`,
          `projection   ${metadata.projection ?? '(any)'}`,
          `parameters   ${s.total_params.toLocaleString('en-US')} (${s.trainable_params.toLocaleString('en-US')} trainable)`,
          `created by   ${p.createdBy} on ${p.date}${p.backend ? ` (backend ${p.backend})` : ''}`,
          ...(p.data ? [`data         ${p.data}`] : []),
          ...(p.epochs !== undefined ? [`epochs       ${p.epochs}`] : []),
          ...(p.command ? [`command      ${p.command}`] : []),
          ...(p.source ? [`source       ${p.source}`] : []),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        model.dispose();
      }
    });
}
