import * as fs from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import type { ImageRef } from '../../data/imageRef';
import { parseImagePath } from '../../data/parseImagePath';
import { describeDataset, readImageDataset } from '../../data/readImageDataset';
import { InputError, UsageError } from '../../errors';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import { resolveOutputFile } from '../../io/resolveOutputFile';
import { writeFilesAtomic } from '../../io/writeFilesAtomic';
import { PROJECTIONS, type Projection } from '../../model/constants';
import { checkModelOutputsFinite } from '../../modelFiles/checkModelOutputsFinite';
import { loadDensityModel } from '../../modelFiles/loadDensityModel';
import { createDensityEngine } from '../../engine/createDensityEngine';
import { createTfjsEngine } from '../../engine/createTfjsEngine';
import { engineForward, layersModelForward } from '../../predict/forwardFunction';
import {
  predictItems,
  type PredictionResult,
  type PredictOptions,
} from '../../predict/predictItems';
import { defaultWorkerCount } from '../../parallel/createWorkerPool';
import { formatPredictionCsv } from '../../predict/predictionCsv';
import { formatPredictionFile } from '../../predict/predictionFile';
import { predictItemsInWorkers } from '../../workflows/predictItemsInWorkers';
import { parseChoiceOption, parseIntOption } from '../options';

interface PredictCliOptions {
  model: string;
  data?: string;
  image?: string[];
  out: string;
  batch: number;
  projection?: Projection;
  split?: string;
  exact?: boolean;
  workers?: number;
}

/** The CSV written beside a probability file: same name, extension `.csv`. */
export function csvPathFor(out: string): string {
  const ext = path.extname(out);
  return `${ext ? out.slice(0, -ext.length) : out}.csv`;
}

/**
 * Predict through the compute engine: ONNX Runtime (every core in one session) by default; with
 * the TF.js engine, the worker pool (one backend per core) unless `--workers 1`.
 */
async function predictOnEngine(
  model: tf.LayersModel,
  modelName: string,
  items: ImageRef[],
  options: PredictOptions,
  workers: number | undefined,
): Promise<PredictionResult> {
  const engine = await createDensityEngine(model);
  try {
    await checkModelOutputsFinite(engine, modelName);
    if (engine.kind === 'tfjs' && (workers ?? defaultWorkerCount()) > 1) {
      return await predictItemsInWorkers(items, model, { ...options, workers });
    }
    if (engine.kind === 'onnx' && workers !== undefined && workers > 1) {
      process.stderr.write(
        `breast-density: note: --workers ${workers} applies to the TF.js engine; ONNX Runtime already uses every core in one session\n`,
      );
    }
    return await predictItems(items, engineForward(engine), options);
  } finally {
    await engine.dispose();
  }
}

/** `--exact`: the TF.js `model.predict` itself, after the same finiteness check. */
async function predictExact(
  model: tf.LayersModel,
  modelName: string,
  items: ImageRef[],
  options: PredictOptions,
): Promise<PredictionResult> {
  const engine = createTfjsEngine(model);
  try {
    await checkModelOutputsFinite(engine, modelName);
  } finally {
    await engine.dispose();
  }
  return predictItems(items, layersModelForward(model), options);
}

/** `breast-density predict`: class probabilities of a dataset or of images. */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description(
      'Run a model on a directory dataset (<dir>/<A|B|C|D>/*.png or <root>/<PROJECTION>/<split>/<class>/) or on images, ' +
        'and write the probabilities in the original format (numpy savetxt %.18e, columns A B C D, rows in Keras ' +
        'flow_from_directory order) plus a CSV beside it (file, subject, projection, true class, probabilities, predicted class).',
    )
    .requiredOption('--model <dir>', 'model directory (model.json + weights + metadata)')
    .option('--data <dir>', 'dataset folder with class folders A B C D')
    .option('--image <file...>', 'image file(s) instead of a dataset (PNG 8/16-bit, JPEG, …)')
    .option(
      '--projection <P>',
      'with --data: projection folder to use (CC_L CC_R MLO_L MLO_R, any case)',
      parseChoiceOption('--projection', PROJECTIONS),
    )
    .option('--split <name>', 'with --data: split folder to use (e.g. test)')
    .requiredOption(
      '--out <file>',
      'probability file to write, e.g. Prediction/predictions_ccr.txt (the CSV goes beside it)',
    )
    .option(
      '--exact',
      'run the TF.js model.predict itself instead of the engine (same values to float32 rounding)',
    )
    .option('--batch <N>', 'images per forward pass', parseIntOption('--batch', 1, 1024), 4)
    .option(
      '--workers <N>',
      'with the TF.js engine: worker threads, each with its own backend (default: one per core); ONNX Runtime uses every core itself',
      parseIntOption('--workers', 1, 256),
    )
    .action(runPredict);
}

/** The `predict` action: check the output, list the inputs, predict, write both files. */
async function runPredict(opts: PredictCliOptions): Promise<void> {
  if ((opts.data === undefined) === (opts.image === undefined)) {
    throw new UsageError('predict: give exactly one of --data DIR or --image FILE…');
  }
  checkPredictOutput(opts.out);

  const { items, dataProjection } = predictInputs(opts);

  await initBackend();
  const { model, metadata } = await loadDensityModel(opts.model);
  try {
    if (metadata.projection && dataProjection && metadata.projection !== dataProjection) {
      process.stderr.write(
        `breast-density: warning: the model was trained for ${metadata.projection}, the data is ${dataProjection}\n`,
      );
    }
    const predictOptions = {
      inputSize: metadata.inputSize,
      batchSize: opts.batch,
      label: `predict${dataProjection ? ` ${dataProjection}` : ''}`,
    };
    const result = opts.exact
      ? await predictExact(model, opts.model, items, predictOptions)
      : await predictOnEngine(model, opts.model, items, predictOptions, opts.workers);
    // Both files or neither (a p.txt without its p.csv would be read as complete).
    writeFilesAtomic([
      { path: opts.out, data: formatPredictionFile(result.probabilities) },
      { path: csvPathFor(opts.out), data: formatPredictionCsv(result.records) },
    ]);
    const lines = formatPredictSummary(result, metadata.inputSize, opts.out);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    model.dispose();
  }
}

/**
 * Refuse a `.csv` or directory `--out`, devices, FIFOs and dangling links before any work; the
 * folder made for it is removed again if the command fails.
 */
function checkPredictOutput(outFile: string): void {
  if (path.extname(outFile).toLowerCase() === '.csv') {
    throw new UsageError(
      `--out: expected the probability file (e.g. predictions.txt), got a .csv name "${outFile}"`,
    );
  }
  const out = path.resolve(outFile);
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) {
    throw new InputError(
      `${outFile}: --out is a directory; expected a file name such as ${path.join(outFile, 'predictions.txt')}`,
    );
  }
  resolveOutputFile(outFile);
  resolveOutputFile(csvPathFor(outFile));
  ensureOutputDir(path.dirname(out), { removeOnFailure: true });
}

/** The images of `--data` (dataset listing printed on stderr) or `--image` (as given). */
function predictInputs(opts: PredictCliOptions): {
  items: ImageRef[];
  dataProjection: Projection | null;
} {
  let items: ImageRef[];
  let dataProjection: Projection | null = null;
  if (opts.data !== undefined) {
    const ds = readImageDataset(opts.data, {
      projection: opts.projection as Projection | undefined,
      split: opts.split,
    });
    process.stderr.write(`${describeDataset(ds)}\n`);
    items = ds.items;
    dataProjection = ds.projection;
  } else {
    for (const f of opts.image!) {
      if (!fs.existsSync(f)) throw new InputError(`${f}: image does not exist`);
    }
    items = opts.image!.map((f) =>
      parseImagePath(f, {
        warn: (line) => process.stderr.write(`breast-density: warning: ${line}\n`),
      }),
    );
  }
  return { items, dataProjection };
}

/** The summary printed on stdout: count, speed, accuracy when true classes are known, files. */
function formatPredictSummary(
  result: PredictionResult,
  inputSize: [number, number],
  out: string,
): string[] {
  const known = result.records.filter((r) => r.trueClass !== null);
  const correct = known.filter((r) => r.trueClass === r.predictedClass).length;
  return [
    `predicted ${result.records.length} images at ${inputSize[0]}x${inputSize[1]} in ${result.seconds.toFixed(1)} s (${((1000 * result.seconds) / result.records.length).toFixed(0)} ms/image)`,
    ...(known.length > 0
      ? [
          `accuracy ${correct}/${known.length} = ${(correct / known.length).toFixed(3)} (true class from the folders)`,
        ]
      : []),
    `wrote ${out}`,
    `wrote ${csvPathFor(out)}`,
  ];
}
