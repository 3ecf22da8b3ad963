import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { importKerasFile } from '../../keras/importKerasFile';
import { PROJECTIONS, type Projection } from '../../model/constants';
import { parseChoiceOption, parseSizeOption } from '../options';

/**
 * `breast-density import-keras FILE.h5 --out DIR [--size N|WxH] [--projection P] [--json]`:
 * convert a Keras 2.x HDF5 file (`model.save()` or `model.save_weights()`) of the breast-density
 * ResNet into a model directory. Exit 2, writing nothing, when the file is unreadable or is not
 * this architecture (the message lists the differences).
 */
export function registerImportKerasCommand(program: Command): void {
  program
    .command('import-keras')
    .description(
      "Convert a Keras HDF5 file (model.save or model.save_weights) of the breast-density ResNet, e.g. the authors' CC_R_model/weights-improvement-46-0.80.h5, into a model directory.",
    )
    .argument('<file>', 'Keras .h5 file')
    .requiredOption('--out <dir>', 'model directory to write')
    .option(
      '--size <N|WxH>',
      "input size (default: the file's model_config, else 650)",
      parseSizeOption('--size'),
    )
    .option(
      '--projection <P>',
      `projection the network is for (${PROJECTIONS.join(', ')})`,
      parseChoiceOption('--projection', PROJECTIONS),
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: { out: string; size?: [number, number]; projection?: Projection; json?: boolean },
      ) => {
        const backend = await initBackend();
        const command = ['breast-density', ...process.argv.slice(2)].join(' ');
        const r = await importKerasFile(file, opts.out, {
          inputSize: opts.size,
          projection: opts.projection ?? null,
          backend: backend.name,
          command,
        });
        const notes = [...r.imported.notes];
        const named = PROJECTIONS.filter((p) => new RegExp(`(^|[^A-Z])${p}([^A-Z]|$)`).test(file));
        if (!opts.projection && named.length === 1) {
          notes.push(
            `the file's path names ${named[0]}; add --projection ${named[0]} to record it in the metadata`,
          );
        }
        for (const note of notes) process.stderr.write(`breast-density: note: ${note}\n`);
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ dir: r.dir, metadata: r.metadata, ...r.imported }, null, 2)}\n`,
          );
          return;
        }
        const i = r.imported;
        process.stdout.write(
          [
            `imported     ${file} (${i.kind === 'model' ? 'whole model' : 'weights only'}, Keras ${i.kerasVersion ?? '?'}, ${i.kerasBackend ?? '?'} backend)`,
            `weights      ${i.weightCount} arrays, ${i.parameterCount.toLocaleString('en-US')} parameters, all shapes checked`,
            `input        ${i.inputSize[0]}x${i.inputSize[1]}x3 (from ${i.inputSizeFrom === 'model_config' ? "the file's model_config" : i.inputSizeFrom === 'option' ? '--size' : 'the default'})`,
            `projection   ${r.metadata.projection ?? '(any)'}`,
            `model        ${r.dir}`,
          ].join('\n') + '\n',
        );
      },
    );
}
