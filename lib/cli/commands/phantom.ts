import type { Command } from 'commander';
import * as path from 'path';
import { UsageError } from '../../errors';
import { generatePhantomDataset, PHANTOM_SPLITS } from '../../phantom/generatePhantomDataset';
import { PHANTOM_DEFAULT_SIZE, PHANTOM_MAX_PIXELS } from '../../phantom/generatePhantom';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import {
  parseChoiceListOption,
  parseIntOption,
  parseListOption,
  parseSizeOption,
} from '../options';
import { CLASS_NAMES, PROJECTIONS, type Projection } from '../../model/constants';

function parseFractions(name: string, count: number) {
  return (value: string): number[] => {
    const parts = value.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (
      parts.length !== count ||
      nums.some((v, i) => parts[i] === '' || !Number.isFinite(v) || v < 0)
    ) {
      throw new UsageError(
        `${name}: expected ${count} comma-separated numbers ≥ 0, got "${value}"`,
      );
    }
    return nums;
  };
}

/**
 * `breast-density phantom --out DIR --subjects N --seed S [--size WxH] [--split 0.8,0.1,0.1]
 * [--balance 1,1,1,1] [--overwrite]`: write a synthetic phantom dataset (images, ground-truth
 * masks, records, manifest.csv) in the original's directory layout.
 */
export function registerPhantomCommand(program: Command): void {
  program
    .command('phantom')
    .description(
      `Generate synthetic mammograms with ground-truth dense tissue: <out>/<PROJECTION>/<split>/<class>/*.png (4 views per subject: ${PROJECTIONS.join(', ')}), masks/, records/, manifest.csv.`,
    )
    .requiredOption(
      '--out <dir>',
      'output folder (new, empty, or a previous phantom dataset with --overwrite)',
    )
    .requiredOption(
      '--subjects <N>',
      'number of subjects (one image per view each)',
      parseIntOption('--subjects', 1, 100_000),
    )
    .option(
      '--seed <S>',
      'master seed (same seed, same dataset)',
      parseIntOption('--seed', 0, 2 ** 32 - 1),
      0,
    )
    .option(
      '--size <WxH>',
      `image width x height in pixels (default ${PHANTOM_DEFAULT_SIZE.width}x${PHANTOM_DEFAULT_SIZE.height})`,
      parseSizeOption('--size', 16, 8192),
    )
    .option(
      '--split <train,val,test>',
      `fractions of subjects per split (${PHANTOM_SPLITS.join(', ')}), summing to 1`,
      parseFractions('--split', 3),
      [0.8, 0.1, 0.1],
    )
    .option(
      '--balance <a,b,c,d>',
      `relative frequency of classes ${CLASS_NAMES.join(', ')} among subjects`,
      parseFractions('--balance', 4),
      [1, 1, 1, 1],
    )
    .option(
      '--workers <N>',
      'worker threads (default: one per core for 200 images or more, else 1)',
      parseIntOption('--workers', 1, 256),
    )
    .option(
      '--projections <list>',
      `views to render, comma-separated (default all: ${PROJECTIONS.join(',')}); each view's images are the same whichever others are rendered`,
      parseChoiceListOption('--projections', PROJECTIONS),
    )
    .option(
      '--subject-ids <list>',
      'render only these subjects, comma-separated ids (ph0007,ph0042); each is the same as in the whole set',
      parseListOption('--subject-ids'),
    )
    .option('--overwrite', 'replace an existing phantom dataset at --out')
    .action(runPhantom);
}

/** Options of `breast-density phantom`, as commander parses them. */
interface PhantomCliOptions {
  out: string;
  subjects: number;
  seed: number;
  size?: [number, number];
  split: number[];
  balance: number[];
  overwrite?: boolean;
  workers?: number;
  projections?: Projection[];
  subjectIds?: string[];
}

/** The `phantom` action: check the options, generate the dataset, print a summary. */
async function runPhantom(opts: PhantomCliOptions): Promise<void> {
  const [height, width] = checkPhantomCliOptions(opts);
  // A parent folder created here is removed again if the run fails.
  ensureOutputDir(path.dirname(path.resolve(opts.out)), { removeOnFailure: true });
  const started = Date.now();
  const rows = await generatePhantomDataset(opts.out, {
    subjects: opts.subjects,
    seed: opts.seed,
    width,
    height,
    split: opts.split as [number, number, number],
    classBalance: opts.balance as [number, number, number, number],
    overwrite: opts.overwrite ?? false,
    workers: opts.workers,
    projections: opts.projections,
    subjectIds: opts.subjectIds,
  });
  const perSplit = PHANTOM_SPLITS.map(
    (s) => `${s} ${rows.filter((r) => r.split === s).length}`,
  ).join(', ');
  const perClass = CLASS_NAMES.map(
    (c) => `${c} ${rows.filter((r) => r.className === c).length}`,
  ).join(', ');
  process.stdout.write(
    `wrote ${rows.length} images (${width}x${height}) of ${new Set(rows.map((r) => r.subject)).size} subjects to ${path.resolve(opts.out)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      `  splits: ${perSplit}\n  classes: ${perClass}\n  manifest: ${path.join(opts.out, 'manifest.csv')}\n`,
  );
}

/** Usage checks of the split, balance and size; returns `[height, width]`. */
function checkPhantomCliOptions(opts: PhantomCliOptions): [number, number] {
  const sum = opts.split.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new UsageError(
      `--split: fractions must sum to 1, got ${opts.split.join(',')} (sum ${sum})`,
    );
  }
  if (!(opts.balance.reduce((a, b) => a + b, 0) > 0)) {
    throw new UsageError(
      `--balance: at least one class weight must be > 0, got ${opts.balance.join(',')}`,
    );
  }
  const [height, width] = opts.size ?? [PHANTOM_DEFAULT_SIZE.height, PHANTOM_DEFAULT_SIZE.width];
  if (width * height > PHANTOM_MAX_PIXELS) {
    throw new UsageError(
      `--size: ${width}x${height} is ${((width * height) / 1e6).toFixed(1)} Mpixel; phantoms are limited to ${PHANTOM_MAX_PIXELS / 1e6} Mpixel (e.g. 6000x6600)`,
    );
  }
  return [height, width];
}
