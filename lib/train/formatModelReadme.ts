/**
 * The README of a trained model directory (a model card): what the network expects, and how its
 * weights were made, stage by stage, from the `--init` chain recorded in its metadata
 * (`provenance.initProvenance`, nested), with the last stage's per-epoch history.
 */
import type { ModelMetadata, ModelProvenance } from '../modelFiles/modelMetadata';
import type { TrainHistory } from './trainingHistory';

/** What the card says beyond the metadata. */
export interface ModelReadmeOptions {
  /** First heading, e.g. `CC_R breast-density model (trained on phantoms)`. */
  title: string;
  /** Commands that made the training data, as run from the repository root. */
  dataCommands: string[];
  /** The per-epoch history of the last stage (the model's own `history.csv`). */
  history: TrainHistory;
  /** Where the script that reproduces the model lives, e.g. `scripts/train-bundled-models.sh`. */
  script?: string;
  /** A last line, e.g. where the test accuracy is reported. */
  footer?: string;
}

/** The stages of a chain, oldest first: the model's own provenance last. */
export function provenanceChain(provenance: ModelProvenance): ModelProvenance[] {
  const chain: ModelProvenance[] = [];
  for (let p: ModelProvenance | undefined = provenance; p; p = p.initProvenance) {
    chain.unshift(p);
    if (chain.length > 100) throw new Error('provenance chain longer than 100 stages (a cycle?)');
  }
  return chain;
}

/** A recorded `breast-density …` command line as run from the repository root. */
const fromRoot = (command: string) =>
  command.replace(/^breast-density\b/, 'node bin/breast-density.js');

/** The `--size` of a recorded train command (`650`, `256x256`), or `null`. */
const sizeOf = (command: unknown) => /--size (\S+)/.exec(String(command ?? ''))?.[1] ?? null;

const num = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : '?');

/** A `fit-head` stage: the head refitted on new images, everything else from the stage before. */
function headStageLines(p: ModelProvenance, index: number, last: boolean): string[] {
  const cv = Array.isArray(p.crossValidation) ? (p.crossValidation as { l2: unknown }[]) : [];
  const l2 = typeof p.l2 === 'number' ? p.l2.toExponential(2) : '?';
  return [
    `### Stage ${index + 1}${last ? ' (this model)' : ''}: classifier head refitted, from stage ${index}`,
    '',
    '```sh',
    fromRoot(String(p.command ?? '(command not recorded)')),
    '```',
    '',
    `- every layer but \`dense_1\` frozen: pooled features of ${p.fitImages ?? '?'} images, softmax regression (L-BFGS) pulled towards the stage-${index} head with λ = ${l2}${p.l2From === 'cross-validation' ? ` (chosen by ${p.folds ?? '?'}-fold cross-validation over ${cv.length - 1} values)` : ''}`,
    `- cross-entropy on those images ${num(p.fitLossBefore, 4)} before, ${num(p.fitLossAfter, 4)} after`,
    '',
  ];
}

/** One stage: its heading, commands and figures, as Markdown lines. */
function stageLines(p: ModelProvenance, index: number, last: boolean): string[] {
  if (p.createdBy === 'fit-head') return headStageLines(p, index, last);
  const size = sizeOf(p.command);
  const from =
    index === 0 && p.initModel === undefined
      ? 'from random weights'
      : `from stage ${index}${p.initMirrored === true ? ', kernels mirrored left–right (`--init-mirrored`)' : ''}`;
  const runs = Array.isArray(p.trainingRuns) && p.trainingRuns.length > 1 ? p.trainingRuns : null;
  const commands = (runs ?? [String(p.command ?? '(command not recorded)')]).map(fromRoot);
  const engine =
    typeof p.trainingEngine === 'string' ? p.trainingEngine : `TF.js ${p.backend ?? ''}`;
  return [
    `### Stage ${index + 1}${last ? ' (this model)' : ''}: ${size ? `${size} px, ` : ''}${from}`,
    '',
    ...(runs
      ? [`Trained in ${runs.length} runs, each continuing the previous one (\`--resume\`):`, '']
      : []),
    '```sh',
    ...commands,
    '```',
    '',
    `- engine: ${engine.trim()}; optimizer ${p.optimizer ?? '?'} (lr ${p.learningRate ?? '?'}), batch ${p.batchSize ?? '?'}, seed ${p.seed ?? '?'}, augmentation ${p.augmentation ? 'original' : 'none'}, BN statistics re-estimated from ${p.bnRecalibrationImages ?? 0} training images before each validation`,
    `- ${p.trainImages ?? '?'} training and ${p.valImages ?? '?'} validation images; ${p.epochs ?? '?'} epoch${p.epochs === 1 ? '' : 's'}; best validation accuracy ${num(p.valAccuracy, 4)} (loss ${num(p.valLoss, 4)}) at epoch ${p.bestEpoch ?? '?'}, the weights kept`,
    '',
  ];
}

/** The history table of the last stage. */
function historyLines(h: TrainHistory): string[] {
  return [
    '| epoch | loss | acc | val_loss | val_acc | lr | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...h.loss.map(
      (_, i) =>
        `| ${i + 1} | ${h.loss[i].toFixed(4)} | ${h.acc[i].toFixed(4)} | ${h.val_loss[i].toFixed(4)} | ${h.val_acc[i].toFixed(4)} | ${h.lr[i]} | ${h.seconds[i].toFixed(0)} |`,
    ),
  ];
}

/**
 * Format the README of a trained model.
 * @param meta The model's metadata (`readModelMetadata(dir)`); its provenance must be of a
 *   training (`createdBy: 'train'`).
 * @param options Title, data commands and the last stage's history (one entry per epoch).
 * @returns Markdown text ending with a newline.
 * @throws Error when the metadata is not of a trained model or the history does not have the
 *   model's number of epochs.
 */
export function formatModelReadme(meta: ModelMetadata, options: ModelReadmeOptions): string {
  const chain = provenanceChain(meta.provenance);
  const trained = chain.map((s, i) => ({ s, i })).filter(({ s }) => s.createdBy === 'train');
  const lastTrained = trained[trained.length - 1];
  if (!lastTrained || chain.some((s) => s.createdBy !== 'train' && s.createdBy !== 'fit-head')) {
    throw new Error(
      `formatModelReadme: expected a trained model, got createdBy "${meta.provenance.createdBy}"`,
    );
  }
  const p = lastTrained.s;
  if (typeof p.epochs === 'number' && options.history.loss.length !== p.epochs) {
    throw new Error(
      `formatModelReadme: the history has ${options.history.loss.length} epochs, the metadata ${p.epochs}`,
    );
  }
  const historyOf =
    lastTrained.i === chain.length - 1
      ? 'the last stage'
      : `the last training stage (stage ${lastTrained.i + 1})`;
  const [h, w] = meta.inputSize;
  return [
    `# ${options.title}`,
    '',
    "The original 41-convolution ResNet, trained by this project's CLI on synthetic phantom mammograms",
    `generated by this project (no patient data). Input ${w}x${h} px (recorded in \`model.json\``,
    `metadata; every command reads it from there), classes ${meta.classNames.join(' ')}.`,
    '',
    `## How it was made${options.script ? ` (\`${options.script}\`)` : ''}`,
    '',
    chain.length > 1
      ? `Trained in ${chain.length} stages, each starting from the weights of the previous one (\`train --init\`${chain.some((c) => c.createdBy === 'fit-head') ? ', or \`fit-head --model\`' : ''}); commands as run from the repository root. The data:`
      : 'Trained in one stage; commands as run from the repository root. The data:',
    '',
    '```sh',
    ...options.dataCommands.map(fromRoot),
    '```',
    '',
    ...chain.flatMap((s, i) => stageLines(s, i, i === chain.length - 1)),
    `## History of ${historyOf}`,
    '',
    '(`acc_train.txt`, `acc_val.txt`, `loss_train.txt`, `loss_val.txt`, `history.csv`)',
    '',
    ...historyLines(options.history),
    ...(options.footer ? ['', options.footer] : []),
    '',
  ].join('\n');
}
