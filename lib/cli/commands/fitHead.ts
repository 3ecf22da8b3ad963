import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { describeDataset, readImageDataset, type DatasetItem } from '../../data/readImageDataset';
import { createDensityEngine } from '../../engine/createDensityEngine';
import { InputError, UsageError } from '../../errors';
import { chooseHeadL2, type HeadL2Score } from '../../head/chooseHeadL2';
import { extractPooledFeatures, pooledFeatureLayer } from '../../head/extractPooledFeatures';
import { fitSoftmaxHead } from '../../head/fitSoftmaxHead';
import { evaluateSoftmaxHead, type HeadDataset, type SoftmaxHead } from '../../head/softmaxHead';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import { PROJECTIONS, type Projection } from '../../model/constants';
import { loadDensityModel } from '../../modelFiles/loadDensityModel';
import { createModelMetadata, type ModelMetadata } from '../../modelFiles/modelMetadata';
import { MODEL_JSON, saveDensityModel } from '../../modelFiles/saveDensityModel';
import { parseChoiceOption, parseIntOption } from '../options';

interface FitHeadCliOptions {
  model: string;
  data: string[];
  projection?: Projection;
  split?: string;
  out: string;
  l2: string;
  folds: number;
  seed: number;
  batch: number;
  json?: boolean;
}

/**
 * `breast-density fit-head --model DIR --data DIR [DIR…] --out DIR`: refit the classifier head
 * (`dense_1`) of a trained model on new labelled images, everything else frozen (pooled features
 * from the engine, convex multinomial logistic regression pulled towards the trained head, λ by
 * cross-validation on those images). Several dataset folders (for example two phantom draws) are
 * pooled in the order given. Writes a new model directory; the source is not touched.
 */
export function registerFitHeadCommand(program: Command): void {
  program
    .command('fit-head')
    .description(
      'Refit the classifier head (dense_1) of a trained model on labelled images with every other layer frozen: ' +
        'the pooled features of each image, then multinomial logistic regression (full-batch L-BFGS) with an L2 pull ' +
        'towards the trained head, its strength chosen by k-fold cross-validation on the same images. ' +
        'Cheap (one forward pass per image) and convex: adapts a model to a new image source, or uses many new images ' +
        'for the last layer without the scatter of a batch-4 SGD epoch. Writes a new model directory.',
    )
    .requiredOption('--model <dir>', 'trained model directory (not modified)')
    .requiredOption(
      '--data <dir...>',
      'one or more dataset folders (<root>/<PROJECTION>/<split>/<A|B|C|D>/ or <dir>/<A|B|C|D>/), pooled',
    )
    .option(
      '--projection <P>',
      'projection folder to use (CC_L CC_R MLO_L MLO_R, any case)',
      parseChoiceOption('--projection', PROJECTIONS),
    )
    .option('--split <name>', 'split folder to use (e.g. train)')
    .requiredOption('--out <dir>', 'new model directory to write (must not hold a model)')
    .option(
      '--l2 <value|auto>',
      'penalty λ on ‖W − W₀‖² per image, or auto (cross-validated)',
      'auto',
    )
    .option(
      '--folds <N>',
      'cross-validation folds for --l2 auto',
      parseIntOption('--folds', 2, 100),
      5,
    )
    .option('--seed <S>', 'seed of the fold assignment', parseIntOption('--seed', 0), 0)
    .option('--batch <N>', 'images per forward pass', parseIntOption('--batch', 1, 1024), 4)
    .option('--json', 'print the result as JSON')
    .action(runFitHead);
}

/** `--l2`: `auto` or a finite number ≥ 0. */
function parseL2(value: string): number | 'auto' {
  if (value.trim().toLowerCase() === 'auto') return 'auto';
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < 0) {
    throw new UsageError(`--l2: expected auto or a number ≥ 0, got "${value}"`);
  }
  return v;
}

/** The dense head of `model` as float64 arrays, and its layer. */
function readHead(model: tf.LayersModel): { layer: tf.layers.Layer; head: SoftmaxHead } {
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  if (dense.length !== 1) throw new Error(`expected one Dense layer, found ${dense.length}`);
  const [kernel, bias] = dense[0].getWeights();
  return {
    layer: dense[0],
    head: {
      kernel: Float64Array.from(kernel.dataSync()),
      bias: Float64Array.from(bias.dataSync()),
    },
  };
}

/** The features must reproduce the engine's logits under the current head (else a bug here). */
function checkFeatures(data: HeadDataset, logits: Float32Array, head: SoftmaxHead): void {
  const k = head.bias.length;
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < data.labels.length; i++) {
    for (let c = 0; c < k; c++) {
      let z = head.bias[c];
      for (let j = 0; j < data.dim; j++)
        z += Number(data.features[i * data.dim + j]) * head.kernel[j * k + c];
      worst = Math.max(worst, Math.abs(z - logits[i * k + c]));
      scale = Math.max(scale, Math.abs(logits[i * k + c]));
    }
  }
  if (worst > 1e-3 * scale) {
    throw new Error(
      `fit-head: pooled features do not reproduce the logits (worst ${worst}, scale ${scale})`,
    );
  }
}

/** The `fit-head` action. */
async function runFitHead(opts: FitHeadCliOptions): Promise<void> {
  const l2Option = parseL2(opts.l2);
  if (fs.existsSync(path.join(opts.out, MODEL_JSON))) {
    throw new InputError(`${opts.out}: already holds a model (${MODEL_JSON}); choose a new folder`);
  }
  const items = readFitItems(opts);
  ensureOutputDir(opts.out, { removeOnFailure: true });
  const backend = await initBackend();
  const { model, metadata } = await loadDensityModel(opts.model);
  try {
    const { layer, head: prior } = readHead(model);
    const data = await poolFeatures(model, metadata, items, opts.batch, prior);
    const fit = fitHead(data, prior, l2Option, opts);
    const weights = [
      tf.tensor2d(Float32Array.from(fit.head.kernel), [data.dim, fit.head.bias.length]),
      tf.tensor1d(Float32Array.from(fit.head.bias)),
    ];
    layer.setWeights(weights); // copies the values into the layer's variables
    tf.dispose(weights);
    const meta = fitHeadMetadata(metadata, opts, backend.name, data.labels.length, fit);
    await saveDensityModel(model, opts.out, meta);
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ dir: opts.out, ...fit }, null, 2)}\n`
        : formatFitHead(fit, opts.out),
    );
  } finally {
    model.dispose();
  }
}

/**
 * The labelled images of every `--data` folder (same `--projection` and `--split` in each), in
 * the order given; each folder's summary goes to stderr.
 * @throws InputError when a folder is unusable or there are fewer than two images per class in
 *   all.
 */
function readFitItems(opts: FitHeadCliOptions): DatasetItem[] {
  const items: DatasetItem[] = [];
  let classes = 0;
  for (const dir of opts.data) {
    const ds = readImageDataset(dir, { projection: opts.projection, split: opts.split });
    process.stderr.write(`${describeDataset(ds)}\n`);
    classes = ds.classNames.length;
    items.push(...ds.items);
  }
  if (items.length < 2 * classes) {
    throw new InputError(
      `${opts.data.join(', ')}: expected at least ${2 * classes} labelled images to fit a head, found ${items.length}`,
    );
  }
  return items;
}

/** Pooled features of the dataset's images through the model's engine, checked. */
async function poolFeatures(
  model: tf.LayersModel,
  metadata: ModelMetadata,
  items: DatasetItem[],
  batchSize: number,
  prior: SoftmaxHead,
): Promise<HeadDataset> {
  const engine = await createDensityEngine(model);
  try {
    const f = await extractPooledFeatures(items, engine, {
      inputSize: metadata.inputSize,
      layer: pooledFeatureLayer(model),
      batchSize,
    });
    const data = { features: f.features, labels: items.map((it) => it.label), dim: f.dim };
    checkFeatures(data, f.logits, prior);
    return data;
  } finally {
    await engine.dispose();
  }
}

/** What `fit-head` found: λ, its cross-validation, the fit and the before/after figures. */
interface FitHeadOutcome {
  l2: number;
  l2From: 'cross-validation' | 'option';
  crossValidation: HeadL2Score[] | null;
  head: SoftmaxHead;
  iterations: number;
  converged: boolean;
  before: { loss: number; accuracy: number };
  after: { loss: number; accuracy: number };
}

function fitHead(
  data: HeadDataset,
  prior: SoftmaxHead,
  l2Option: number | 'auto',
  opts: FitHeadCliOptions,
): FitHeadOutcome {
  const cv =
    l2Option === 'auto' ? chooseHeadL2(data, { prior, folds: opts.folds, seed: opts.seed }) : null;
  const l2 = cv ? cv.l2 : (l2Option as number);
  const fit = fitSoftmaxHead(data, { l2, prior });
  const short = (e: { loss: number; accuracy: number }) => ({ loss: e.loss, accuracy: e.accuracy });
  return {
    l2,
    l2From: cv ? 'cross-validation' : 'option',
    crossValidation: cv ? cv.scores : null,
    head: fit.head,
    iterations: fit.iterations,
    converged: fit.converged,
    before: short(evaluateSoftmaxHead(prior, data)),
    after: short(evaluateSoftmaxHead(fit.head, data)),
  };
}

/** The new model's metadata: the source's, with a `fit-head` stage on top of its provenance. */
function fitHeadMetadata(
  source: ModelMetadata,
  opts: FitHeadCliOptions,
  backend: string,
  images: number,
  fit: FitHeadOutcome,
): ModelMetadata {
  return createModelMetadata(
    source.inputSize,
    {
      createdBy: 'fit-head',
      backend,
      data: opts.data.join(' + '),
      command: ['breast-density', ...process.argv.slice(2)].join(' '),
      initModel: opts.model,
      initProvenance: source.provenance,
      fitImages: images,
      split: opts.split,
      l2: fit.l2,
      l2From: fit.l2From,
      folds: fit.l2From === 'cross-validation' ? opts.folds : undefined,
      crossValidation: fit.crossValidation?.map((s) => ({
        ...s,
        l2: Number.isFinite(s.l2) ? s.l2 : 'trained head',
      })),
      fitLossBefore: fit.before.loss,
      fitLossAfter: fit.after.loss,
    },
    source.projection,
  );
}

function formatFitHead(fit: FitHeadOutcome, out: string): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const lines = [
    ...(fit.crossValidation
      ? [
          'cross-validation (held-out mean cross-entropy, accuracy):',
          ...fit.crossValidation.map(
            (s) =>
              `  λ ${Number.isFinite(s.l2) ? s.l2.toExponential(1) : 'trained head'}  ${s.loss.toFixed(4)}  ${pct(s.accuracy)}${s.l2 === fit.l2 ? '  ← chosen' : ''}`,
          ),
        ]
      : []),
    `head refitted with λ ${fit.l2.toExponential(2)} (${fit.l2From}); L-BFGS ${fit.iterations} iterations${fit.converged ? '' : ' (not converged)'}`,
    `on the fitting images: cross-entropy ${fit.before.loss.toFixed(4)} → ${fit.after.loss.toFixed(4)}, accuracy ${pct(fit.before.accuracy)} → ${pct(fit.after.accuracy)}`,
    `model        ${out}`,
  ];
  return `${lines.join('\n')}\n`;
}
