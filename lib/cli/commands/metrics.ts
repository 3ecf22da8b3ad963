import * as path from 'path';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../errors';
import { writeFileAtomic } from '../../io/atomicWrite';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import { stageOutputDir } from '../../io/stageOutputDir';
import {
  type MetricsGroup,
  GROUP_VIEWS,
  METRICS_GROUPS,
  evaluateGroups,
} from '../../metrics/evaluateGroups';
import { labelsFromCounts } from '../../metrics/checkLabels';
import { formatMetricsReport } from '../../metrics/formatMetricsReport';
import { formatMetricsJson, metricsJson } from '../../metrics/metricsJson';
import { PROJECTIONS, type Projection } from '../../model/constants';
import { writeConfusionFigures } from '../../plots/writeConfusionFigures';
import { type LabelRows, readLabelsFile, readLabelsFromCsv } from '../../predict/labelsFile';
import {
  type PredictionRows,
  checkSameRowCount,
  readPredictionFile,
} from '../../predict/predictionFile';
import { parseIntOption } from '../options';

interface MetricsOptions {
  pred: string[];
  labels?: string;
  csv?: string;
  counts?: number[];
  json?: boolean;
  out?: string;
  html: boolean;
  bootstrap: number;
  seed: number;
}

/**
 * Parse `VIEW=FILE` (VIEW like `CC_R`, `ccr`, `MLO-L`, case-insensitive).
 * @throws UsageError naming the argument.
 */
export function parsePredArgument(arg: string): { view: Projection; file: string } {
  const eq = arg.indexOf('=');
  const key =
    eq > 0
      ? arg
          .slice(0, eq)
          .toUpperCase()
          .replace(/[^A-Z]/g, '')
      : '';
  const view = PROJECTIONS.find((p) => p.replace('_', '') === key);
  if (!view || eq === arg.length - 1) {
    throw new UsageError(
      `--pred: expected VIEW=FILE with VIEW one of ${PROJECTIONS.join(' ')}, got "${arg}"`,
    );
  }
  return { view, file: arg.slice(eq + 1) };
}

/**
 * Parse `--counts A,B,C,D` (four whole numbers).
 * @throws UsageError with the value.
 */
export function parseCountsOption(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (
    parts.length !== 4 ||
    parts.some((p) => !/^\d+$/.test(p)) ||
    parts.every((p) => Number(p) === 0)
  ) {
    throw new UsageError(
      `--counts: expected four whole numbers A,B,C,D (true-class counts in row order, e.g. 14,51,50,13), got "${value}"`,
    );
  }
  return parts.map(Number);
}

/** `breast-density metrics`: figures of merit per view, side and exam from probability files. */
export function registerMetricsCommand(program: Command): void {
  program
    .command('metrics')
    .description(
      'Figures of merit of probability files (as written by predict or the original Prediction_ResNet.py): ' +
        'per view, per side (mean of CC and MLO) and per exam (mean of the four views): confusion matrix, ' +
        'accuracy, macro/weighted recall, precision and F1 (sklearn conventions), Cohen kappa (plain, linear, ' +
        'quadratic) with bootstrap 95% CIs, dense vs non-dense split, one-vs-rest ROC AUC.',
    )
    .requiredOption(
      '--pred <VIEW=FILE...>',
      'probability file per view, VIEW one of CC_R MLO_R CC_L MLO_L (repeatable); row i of every file is the same subject',
    )
    .option('--labels <file>', 'true classes: one class letter (A-D) per line, in row order')
    .option('--csv <file>', 'true classes from the true_class column of a CSV written by predict')
    .option(
      '--counts <A,B,C,D>',
      'true classes as counts in row order (rows sorted by class), e.g. 14,51,50,13',
      parseCountsOption,
    )
    .option('--json', 'print JSON: {"<group>": {"n", "accuracy", "recall_macro", …, "confusion"}}')
    .option(
      '--out <dir>',
      'also write confusionmatrix_<group>.png and .html and metrics.json there',
    )
    .option('--no-html', 'with --out: PNG only (each HTML page inlines plotly.js, ~11 MB)')
    .option(
      '--bootstrap <N>',
      'bootstrap resamples for the 95% CIs of accuracy and kappa (0 = none)',
      parseIntOption('--bootstrap', 0, 1_000_000),
      1000,
    )
    .option('--seed <N>', 'bootstrap seed', parseIntOption('--seed', 0, 2 ** 32 - 1), 0)
    .action(runMetrics);
}

/** The `metrics` action: read the files and true classes, evaluate, print (and write --out). */
async function runMetrics(opts: MetricsOptions): Promise<void> {
  const sources = [opts.labels, opts.csv, opts.counts].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new UsageError(
      `metrics: give the true classes with exactly one of --labels FILE, --csv FILE or --counts A,B,C,D (got ${sources.length})`,
    );
  }
  const files = predictionFilesByView(opts.pred);
  const read = new Map<Projection, PredictionRows>();
  for (const [view, file] of files) read.set(view, readPredictionFile(file));
  const parsed = [...read.values()];
  checkSameRowCount(parsed);
  const rows = parsed[0].rows.length;
  const first = parsed[0].file;

  const yTrue = readTrueClasses(opts, rows, first);

  const views: Partial<Record<Projection, number[][]>> = {};
  for (const [view, r] of read) views[view] = r.rows;
  const groups = evaluateGroups(views, yTrue, {
    bootstrap: opts.bootstrap > 0 ? { resamples: opts.bootstrap, seed: opts.seed } : false,
  });
  const json: Record<string, unknown> = {};
  for (const g of METRICS_GROUPS) if (groups[g]) json[g] = metricsJson(groups[g]!);

  if (opts.out) {
    // Every figure and metrics.json, or nothing (disk full leaves no partial PNG).
    ensureOutputDir(opts.out, { removeOnFailure: true });
    await stageOutputDir(opts.out, (staging) => {
      writeConfusionFigures(staging, groups, { html: opts.html });
      writeFileAtomic(path.join(staging, 'metrics.json'), formatMetricsJson(json));
    });
  }
  if (opts.json) {
    process.stdout.write(formatMetricsJson(json));
    return;
  }
  const sourcesByGroup: Partial<Record<MetricsGroup, string>> = {};
  for (const g of METRICS_GROUPS) {
    if (!groups[g]) continue;
    const names = GROUP_VIEWS[g].map((v) => path.basename(files.get(v)!));
    sourcesByGroup[g] = names.length === 1 ? names[0] : `mean of ${names.join(' + ')}`;
  }
  process.stdout.write(formatMetricsReport(groups, sourcesByGroup));
  if (opts.out) process.stdout.write(`figures and metrics.json written to ${opts.out}\n`);
}

/** `--pred VIEW=FILE…` as a map from view to file; a view given twice is a usage error. */
function predictionFilesByView(args: string[]): Map<Projection, string> {
  const files = new Map<Projection, string>();
  for (const arg of args) {
    const { view, file } = parsePredArgument(arg);
    if (files.has(view)) throw new UsageError(`--pred: ${view} given twice`);
    files.set(view, file);
  }
  return files;
}

/** The true classes from `--counts`, `--labels` or `--csv`, one per row of the prediction files. */
function readTrueClasses(opts: MetricsOptions, rows: number, first: string): number[] {
  if (opts.counts) {
    // The total first: a typo such as 1000000000,0,0,0 must not build a huge label array.
    const total = opts.counts.reduce((a, b) => a + b, 0);
    if (total !== rows) {
      throw new InputError(
        `${first}: has ${rows} rows but --counts ${opts.counts.join(',')} adds up to ${total}`,
      );
    }
    return labelsFromCounts(opts.counts);
  } else {
    const labels: LabelRows = opts.labels
      ? readLabelsFile(opts.labels)
      : readLabelsFromCsv(opts.csv as string);
    if (labels.labels.length !== rows) {
      const extra = labels.labels.length > rows;
      throw new InputError(
        extra
          ? `${labels.file}:${labels.lines[rows]}: label ${rows + 1} has no row: ${first} has ${rows} rows and ${labels.file} has ${labels.labels.length} labels`
          : `${labels.file}: has ${labels.labels.length} labels but ${first} has ${rows} rows`,
      );
    }
    return labels.labels;
  }
}
