import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { checkWasmSizeLimit } from '../../backend/checkWasmSizeLimit';
import { requestedEngine } from '../../engine/createDensityEngine';
import { initBackend } from '../../backend/initBackend';
import { UsageError } from '../../errors';
import { failureCleanup } from '../../io/failureCleanup';
import { PROJECTIONS, isProjection, type Projection } from '../../model/constants';
import { OPTIMIZER_NAMES, isOptimizerName, type OptimizerName } from '../../train/createOptimizer';
import { ORIGINAL_LR_SCHEDULE } from '../../train/reduceLrOnPlateau';
import { trainDensityModel } from '../../train/trainDensityModel';
import { parseIntOption, parseSizeOption } from '../options';

/** Parse a positive number option (learning rates, factors). */
function parseNumberOption(name: string, min: number, max: number, exclusiveMin = true) {
  return (value: string): number => {
    const n = Number(value);
    if (
      value.trim() === '' ||
      !Number.isFinite(n) ||
      (exclusiveMin ? n <= min : n < min) ||
      n > max
    ) {
      throw new UsageError(
        `${name}: expected a number ${exclusiveMin ? '>' : '≥'} ${min} and ≤ ${max}, got "${value}"`,
      );
    }
    return n;
  };
}

/** Quote a command-line argument for the recorded command (POSIX shell). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface TrainCliOptions {
  data: string;
  out: string;
  projection?: string;
  size: [number, number];
  epochs: number;
  batch: number;
  optimizer: string;
  lr?: number;
  factor: number;
  patience: number;
  minLr: number;
  seed: number;
  augment: boolean;
  trainSplit: string;
  valSplit: string;
  valData?: string;
  stepsPerEpoch?: number;
  init?: string;
  initMirrored?: boolean;
  resume?: boolean;
  keepAllImprovements?: boolean;
  overwrite?: boolean;
  recalibrateBn: number;
  loaderWorkers: number;
}

/**
 * `breast-density train --data DIR --out DIR [--projection CC_R] [--size 650] [--epochs 100]
 * [--batch 4] [--optimizer sgd|sgd-nesterov|rmsprop] [--lr X] [--factor 0.1] [--patience 15]
 * [--min-lr 0.001] [--seed 0] [--no-augment] [--resume] …`: the original training recipe.
 * SIGINT/SIGTERM stop at the next batch, write a resumable checkpoint and exit with 130/143.
 */
export function registerTrainCommand(program: Command): void {
  const command = program
    .command('train')
    .description(
      'Train the breast-density ResNet on <data>/<PROJECTION>/{train,val}/{A,B,C,D}/ (original recipe: augmentation, SGD, ReduceLROnPlateau on val_loss, best checkpoint on val_acc, history files). Resumable after any interruption with --resume.',
    )
    .requiredOption('--data <dir>', 'dataset root (e.g. a `breast-density phantom` output)')
    .requiredOption(
      '--out <dir>',
      'output folder: weights-improvement-*/ (best model), checkpoint-*/, acc_*.txt, loss_*.txt, history.csv; the best model itself at the end',
    );
  addTrainOptions(command).action(runTrainCommand);
}

/** The options of `train` (commander), in help order. */
function addTrainOptions(command: Command): Command {
  return command
    .option('--projection <view>', `projection folder to train on (${PROJECTIONS.join(', ')})`)
    .option('--size <N|WxH>', 'network input size', parseSizeOption('--size', 32, 4096), [650, 650])
    .option('--epochs <N>', 'total epochs', parseIntOption('--epochs', 1, 100_000), 100)
    .option('--batch <N>', 'batch size', parseIntOption('--batch', 1, 4096), 4)
    .option('--optimizer <name>', `optimizer (${OPTIMIZER_NAMES.join(', ')})`, 'sgd')
    .option(
      '--lr <X>',
      'initial learning rate (default: Keras default, SGD 0.01, RMSprop 0.001)',
      parseNumberOption('--lr', 0, 10),
    )
    .option(
      '--factor <X>',
      'ReduceLROnPlateau factor',
      parseNumberOption('--factor', 0, 0.999999),
      ORIGINAL_LR_SCHEDULE.factor,
    )
    .option(
      '--patience <N>',
      'ReduceLROnPlateau patience (epochs)',
      parseIntOption('--patience', 0, 100_000),
      ORIGINAL_LR_SCHEDULE.patience,
    )
    .option(
      '--min-lr <X>',
      'ReduceLROnPlateau lower bound',
      parseNumberOption('--min-lr', 0, 10, false),
      ORIGINAL_LR_SCHEDULE.minLr,
    )
    .option(
      '--seed <S>',
      'seed of weights, data order and augmentation',
      parseIntOption('--seed', 0, 2 ** 32 - 1),
      0,
    )
    .option('--no-augment', 'no augmentation (the original uses zoom/shift 0.2, rotation 10°)')
    .option('--train-split <name>', 'training split folder', 'train')
    .option('--val-split <name>', 'validation split folder', 'val')
    .option('--val-data <dir>', 'dataset root of the validation split (default: --data)')
    .option(
      '--steps-per-epoch <N>',
      'batches per epoch (default: the whole training set)',
      parseIntOption('--steps-per-epoch', 1, 10_000_000),
    )
    .option(
      '--init <modelDir>',
      'start from the weights of this model directory (fine-tuning; any input size: progressive resizing)',
    )
    .option(
      '--init-mirrored',
      'with --init: mirror its convolution kernels left-right (a left-view model from a right-view one)',
    )
    .option(
      '--recalibrate-bn <images>',
      're-estimate the batch-norm statistics from this many training images before each validation (precise BN; for short runs); 0 = off, as the original',
      parseIntOption('--recalibrate-bn', 0, 10_000_000),
      0,
    )
    .option('--resume', 'continue from the newest checkpoint in --out')
    .option(
      '--overwrite',
      'replace a previous training output at --out (only the files training wrote; a trained model there is refused without it)',
    )
    .option('--keep-all-improvements', 'keep every weights-improvement-* folder, not only the best')
    .option(
      '--loader-workers <N>',
      'threads that decode the next batch while the current one trains; 0 = decode between steps',
      parseIntOption('--loader-workers', 0, 64),
      1,
    );
}

/** Refuse contradictory or unknown option values (exit 1). */
function checkTrainOptions(opts: TrainCliOptions): void {
  if (opts.projection !== undefined && !isProjection(opts.projection)) {
    throw new UsageError(
      `--projection: expected one of ${PROJECTIONS.join(', ')}, got "${opts.projection}"`,
    );
  }
  if (!isOptimizerName(opts.optimizer)) {
    throw new UsageError(
      `--optimizer: expected one of ${OPTIMIZER_NAMES.join(', ')}, got "${opts.optimizer}"`,
    );
  }
  if (opts.initMirrored && !opts.init) {
    throw new UsageError('--init-mirrored needs --init MODEL_DIR');
  }
  if (opts.resume && opts.init) {
    throw new UsageError('--init and --resume exclude each other (a resumed run has its weights)');
  }
  if (opts.resume && opts.overwrite) {
    throw new UsageError('--overwrite and --resume exclude each other');
  }
}

/** What a finished run prints: epochs, the last epoch's figures, the best epoch, the model. */
function trainSummary(result: Awaited<ReturnType<typeof trainDensityModel>>, out: string): string {
  const h = result.history;
  const last = h.loss.length - 1;
  return (
    [
      `trained ${result.epochsCompleted} epochs into ${out}`,
      ...(last >= 0
        ? [
            `  last epoch: loss ${h.loss[last].toFixed(4)} acc ${h.acc[last].toFixed(4)} val_loss ${h.val_loss[last].toFixed(4)} val_acc ${h.val_acc[last].toFixed(4)} lr ${h.lr[last]}`,
          ]
        : []),
      ...(result.best
        ? [
            `  best: epoch ${result.best.epoch}, val_acc ${result.best.valAcc.toFixed(4)} (${result.best.dir})`,
          ]
        : []),
      ...(result.modelDir ? [`  model: ${result.modelDir} (the best weights)`] : []),
    ].join('\n') + '\n'
  );
}

/** The action of `train`: checks, backend, signal handling (checkpoint then exit 130/143), the run. */
async function runTrainCommand(opts: TrainCliOptions): Promise<void> {
  checkTrainOptions(opts);
  await initBackend();
  // Training on TF.js (DENSITY_ENGINE=tfjs): refuse sizes the wasm heap cannot hold. ONNX
  // Runtime, the default, trains in the machine's memory.
  if (requestedEngine() === 'tfjs') {
    checkWasmSizeLimit('train', opts.size, opts.batch, tf.getBackend());
  }
  const controller = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      // Second signal: quit now. Every file is written atomically, nothing is half-written.
      process.stderr.write(`breast-density: ${sig} again, quitting now\n`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    signalled = sig;
    process.stderr.write(
      `\nbreast-density: ${sig}: finishing the current batch and writing a checkpoint (again to quit now)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  failureCleanup.signalsHandledByCommand++; // the CLI's own handler stands aside
  try {
    const result = await trainDensityModel({
      data: opts.data,
      outDir: opts.out,
      projection: opts.projection as Projection | undefined,
      inputSize: opts.size,
      epochs: opts.epochs,
      batchSize: opts.batch,
      optimizer: opts.optimizer as OptimizerName,
      learningRate: opts.lr,
      lrSchedule: { factor: opts.factor, patience: opts.patience, minLr: opts.minLr },
      seed: opts.seed,
      augment: opts.augment ? undefined : null,
      trainSplit: opts.trainSplit,
      valSplit: opts.valSplit,
      valData: opts.valData,
      maxStepsPerEpoch: opts.stepsPerEpoch,
      initModel: opts.init,
      initMirrored: opts.initMirrored,
      resume: opts.resume,
      keepAllImprovements: opts.keepAllImprovements,
      overwrite: opts.overwrite,
      bnRecalibrationImages: opts.recalibrateBn,
      loaderWorkers: opts.loaderWorkers,
      signal: controller.signal,
      command: ['breast-density', ...process.argv.slice(2)].map(shellQuote).join(' '),
    });
    if (result.interrupted) {
      process.stderr.write(
        `breast-density: stopped; resume with the same command and --resume (${result.checkpoint ?? 'no checkpoint yet'})\n`,
      );
      process.exit(signalled === 'SIGTERM' ? 143 : 130);
    }
    process.stdout.write(trainSummary(result, opts.out));
  } finally {
    failureCleanup.signalsHandledByCommand--;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
