/**
 * `breast-density gradcam`: class activation maps for a model and a folder or list of images,
 * written like the original's `MAPS/` folder, with `gradcam.json`; `--masks` measures the maps
 * against phantom ground truth (attention ratio, pointing game, deletion/insertion vs random).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { CAM_METHODS, type CamMethod } from '../../cam/camTypes';
import { generateCamMaps, type CamRunReport } from '../../workflows/generateCamMaps';
import type { ImageRef } from '../../data/imageRef';
import { parseImagePath } from '../../data/parseImagePath';
import { readImageDataset } from '../../data/readImageDataset';
import { UsageError } from '../../errors';
import { CLASS_NAMES, PROJECTIONS, type Projection } from '../../model/constants';
import { ensureOutputDir } from '../../io/ensureOutputDir';
import { stageOutputDir } from '../../io/stageOutputDir';
import { createDensityEngine } from '../../engine/createDensityEngine';
import { checkModelOutputsFinite } from '../../modelFiles/checkModelOutputsFinite';
import { loadDensityModel } from '../../modelFiles/loadDensityModel';
import type { ModelMetadata } from '../../modelFiles/modelMetadata';
import { parseChoiceOption, parseIntOption } from '../options';

interface GradcamOptions {
  model: string;
  data?: string;
  image?: string[];
  out: string;
  layer?: string;
  class: string;
  method: CamMethod;
  masks?: boolean;
  steps: number;
  seed: number;
  projection?: string;
  split?: string;
  negative?: boolean;
}

const CLASS_CHOICES = ['pred', 'true', ...CLASS_NAMES];

/** Register `gradcam`. */
export function registerGradcamCommand(program: Command): void {
  program
    .command('gradcam')
    .description(
      'Grad-CAM (or Grad-CAM++ / saliency) maps like the original MAPS/ folder: input, coloured map, overlays, contours, 16-bit map, gradcam.json; --masks measures them on phantoms.',
    )
    .requiredOption('--model <dir>', 'model directory (model.json + weights)')
    .option(
      '--data <dir>',
      'dataset folder (<root>/<PROJECTION>/<split>/<class>/ or <dir>/<class>/)',
    )
    .option('--image <file...>', 'one or more image files instead of --data')
    .requiredOption('--out <dir>', 'output folder (MAPS/ and gradcam.json are written inside)')
    .option('--layer <name>', 'layer to explain (default add_12; see `summary` for names)')
    .option(
      '--class <A|B|C|D|pred|true>',
      'class to explain',
      parseChoiceOption('--class', CLASS_CHOICES),
      'pred',
    )
    .option(
      '--method <name>',
      `map method: ${CAM_METHODS.join(', ')}`,
      parseChoiceOption('--method', CAM_METHODS),
      'gradcam' as CamMethod,
    )
    .option('--masks', 'measure the maps against phantom ground-truth masks')
    .option(
      '--steps <n>',
      'deletion/insertion steps with --masks (0 = skip)',
      parseIntOption('--steps', 0, 100),
      8,
    )
    .option('--seed <n>', 'seed of the random-order baseline', parseIntOption('--seed', 0), 0)
    .option(
      '--projection <name>',
      "projection folder of --data (default: the model's)",
      parseChoiceOption('--projection', PROJECTIONS),
    )
    .option('--split <name>', 'split folder of --data (train, val, test)')
    .option('--negative', 'also write the counterfactual map (_negative.png)')
    .action(runGradcam);
}

/** The `gradcam` action: load the model and engine, map every image into a staged --out. */
async function runGradcam(opts: GradcamOptions): Promise<void> {
  if (!opts.data === !opts.image) {
    throw new UsageError('gradcam: give exactly one of --data DIR or --image FILE…');
  }
  await initBackend();
  const { model, metadata, dir } = await loadDensityModel(opts.model);
  const engine = await createDensityEngine(model).catch((err) => {
    model.dispose();
    throw err;
  });
  try {
    await checkModelOutputsFinite(engine, opts.model);
    const warn = (line: string) => process.stderr.write(`breast-density: ${line}\n`);
    const items = gradcamItems(opts, metadata, warn);
    // Maps are written into a staging folder and moved into --out only when every map and
    // gradcam.json are written (a signal or an error leaves --out as it was).
    ensureOutputDir(opts.out, { removeOnFailure: true });
    const report = await stageOutputDir(opts.out, (staging) =>
      generateCamMaps({
        model,
        metadata,
        modelDir: dir,
        items,
        outDir: staging,
        layer: opts.layer,
        method: opts.method,
        target: opts.class,
        masks: opts.masks,
        deletionSteps: opts.steps,
        seed: opts.seed,
        negative: opts.negative,
        command: ['breast-density', ...process.argv.slice(2)].join(' '),
        warn,
        engine,
      }),
    );
    const lines = formatGradcamSummary(report, opts.out);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await engine.dispose();
    model.dispose();
  }
}

/** The images of `--data` (dataset order) or `--image` (as given), as image references. */
function gradcamItems(
  opts: GradcamOptions,
  metadata: ModelMetadata,
  warn: (line: string) => void,
): ImageRef[] {
  if (opts.data) {
    const projection =
      (opts.projection as Projection | undefined) ??
      (metadata.projection && fs.existsSync(path.join(opts.data, metadata.projection))
        ? metadata.projection
        : undefined);
    const ds = readImageDataset(opts.data, {
      projection,
      split: opts.split,
      classNames: metadata.classNames,
    });
    for (const s of ds.skipped)
      process.stderr.write(`breast-density: skipped ${s.path}: ${s.reason}\n`);
    return ds.items;
  } else {
    return (opts.image ?? []).map((f) => parseImagePath(f, { warn }));
  }
}

/** The summary printed on stdout: images mapped, empty maps, and the measures per group. */
function formatGradcamSummary(report: CamRunReport, out: string): string[] {
  const lines = [
    `${report.images.length} image(s) mapped (${report.method}, layer ${report.layer}) → ${path.join(out, 'MAPS')}`,
  ];
  const empty = report.images.filter((r) => r.emptyMap).length;
  if (empty)
    lines.push(`${empty} map(s) all zero after the ReLU (flagged emptyMap in gradcam.json)`);
  const s = report.explainability;
  if (s) {
    const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
    lines.push(
      'explainability (projection class n: attention ratio | pointing | deletion AUC map/random | insertion AUC map/random | avg drop %)',
    );
    for (const g of [...s.byClass, s.overall]) {
      lines.push(
        `  ${g.projection} ${g.trueClass} n=${g.n}: ${f(g.attentionRatio)} | ${f(g.pointingHitRate)} | ${f(g.auc.deletion, 3)}/${f(g.auc.deletionRandom, 3)} | ${f(g.auc.insertion, 3)}/${f(g.auc.insertionRandom, 3)} | ${f(g.averageDropPercent, 1)}`,
      );
    }
  }
  return lines;
}
