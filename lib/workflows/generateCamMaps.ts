/**
 * Maps for a list of images, written like the original's `MAPS/` folder
 * (`MAPS/<projection>/<true class>/<pred>_<stem>_*.png`, see `camImages`) with a `gradcam.json`
 * index, and optionally the explainability measures against phantom ground-truth masks
 * (`explainability.json`, `explainability_figure.json`). Used by `breast-density gradcam` and
 * the notebooks.
 *
 * Every image (and mask) is decoded once before anything is written, so that a bad file stops
 * the run with its name and no output at all; each output file is written atomically.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadImage, type GrayImage } from '../data/loadImage';
import { preprocessForNetwork, resizeNearest } from '../data/preprocessForNetwork';
import type { ImageRef } from '../data/imageRef';
import { InputError } from '../errors';
import { createDensityEngine } from '../engine/createDensityEngine';
import type { DensityEngine } from '../engine/densityEngine';
import { ensureWritableDir, writeFileAtomic } from '../io/atomicWrite';
import { yieldToEventLoop } from '../io/yieldToEventLoop';
import type { ModelMetadata } from '../modelFiles/modelMetadata';
import { findPhantomMask } from '../phantom/manifest';
import { readPhantomMask } from '../phantom/phantomMask';
import { createProgress, type ProgressOptions } from '../progress/createProgress';
import { camFileNames, renderCamImages, writeCamImages, type CamImageSet } from '../cam/camImages';
import type { CamTarget } from '../cam/camTargets';
import type { Cam, CamMethod, CamResult } from '../cam/camTypes';
import { createCam } from '../cam/createCam';
import { explainabilityFigure } from '../cam/explainability/explainabilityFigure';
import { createImageScorer, type ImageScorer } from '../cam/explainability/imageScorer';
import {
  measureExplainability,
  type ExplainabilityMeasures,
} from '../cam/explainability/measureExplainability';
import {
  summarizeExplainability,
  type ExplainabilitySummary,
} from '../cam/explainability/summarizeExplainability';

/**
 * One image to map: an {@link ImageRef}, of which only the path, true class and projection are
 * needed (a `readImageDataset` item or a `parseImagePath` result fits as it is).
 */
export type CamItem = Pick<ImageRef, 'path' | 'trueClass' | 'projection'> & Partial<ImageRef>;

/** What to explain: the predicted class, the true class, or a fixed class name. */
export type CamClassOption = 'pred' | 'true' | string;

/** Options of {@link generateCamMaps}. */
export interface GenerateCamMapsOptions {
  /** The network (not disposed). */
  model: tf.LayersModel;
  /** Its metadata (input size, classes, projection). */
  metadata: ModelMetadata;
  /** Model directory, for the index. */
  modelDir?: string;
  /**
   * Images (`parseImagePath` for lone files, `readImageDataset(…).items` for datasets). Without
   * a projection, an image goes under the model's projection, else `unknown`.
   */
  items: CamItem[];
  /** Output folder (`MAPS/…`, `gradcam.json` go inside). */
  outDir: string;
  /** Layer (default `add_12`; saliency: the input layer). */
  layer?: string;
  /** Method (default `gradcam`). */
  method?: CamMethod;
  /** Class to explain (default `pred`). */
  target?: CamClassOption;
  /** Measure the maps against phantom masks. Default false. */
  masks?: boolean;
  /** Deletion/insertion steps with `masks` (0 = skip the perturbation measures). Default 8. */
  deletionSteps?: number;
  /** Seed of the random baseline. Default 0. */
  seed?: number;
  /** Also write the coloured counterfactual map. */
  negative?: boolean;
  /** Progress reporting (default `auto`). */
  progress?: ProgressOptions['sink'];
  /** Command line, recorded in the index. */
  command?: string;
  /** Called with warnings (images without masks…). Default: none. */
  warn?: (line: string) => void;
  /**
   * Compute engine of `model` (`createDensityEngine`), reused and not disposed here. Default: one
   * is created for this call (reported on stderr) and disposed.
   */
  engine?: DensityEngine;
}

/** Index entry of one image (`gradcam.json`). */
export interface CamImageRecord {
  /** Image file (absolute). */
  image: string;
  /** Projection used for the folder. */
  projection: string;
  /** True class, or null. */
  trueClass: string | null;
  /** Predicted class name. */
  predicted: string;
  /** Class probabilities (softmax), in class order. */
  probabilities: number[];
  /** Explained class name. */
  target: string;
  /** Layer explained. */
  layer: string;
  /** Method. */
  method: CamMethod;
  /** The map was all zero (nothing survived the ReLU). */
  emptyMap: boolean;
  /** Files written, relative to the output folder. */
  files: Partial<Record<keyof CamImageSet, string>>;
  /** Mask used for the measures (absolute), when measured. */
  mask?: string;
  /** Explainability measures, when measured. */
  measures?: ExplainabilityMeasures;
}

/** Result of {@link generateCamMaps} (also written as `gradcam.json`, measures in `explainability.json`). */
export interface CamRunReport {
  /** `breast-density-gradcam`. */
  format: 'breast-density-gradcam';
  /** Schema version. */
  version: 1;
  /** Model directory. */
  model: string | null;
  /** Input size `[H, W]`. */
  inputSize: [number, number];
  /** Layer. */
  layer: string;
  /** Method. */
  method: CamMethod;
  /** Target option. */
  target: CamClassOption;
  /** ISO date. */
  date: string;
  /** Command line. */
  command: string | null;
  /** One per image. */
  images: CamImageRecord[];
  /** Summary of the measures, when `masks`. */
  explainability: ExplainabilitySummary | null;
}

/** Name of the index file. */
export const GRADCAM_INDEX = 'gradcam.json';
/** Name of the measures file. */
export const EXPLAINABILITY_FILE = 'explainability.json';
/** Name of the plotly figure of the measures. */
export const EXPLAINABILITY_FIGURE_FILE = 'explainability_figure.json';

function resolveTarget(option: CamClassOption, item: CamItem, classNames: string[]): CamTarget {
  if (option === 'pred' || option === 'predicted') return 'predicted';
  if (option === 'true') {
    if (!item.trueClass) {
      throw new InputError(
        `${item.name ?? item.path}: --class true needs the true class (a class folder or a <subject>_<n>_<class>_<projection> file name)`,
      );
    }
    return classNames.indexOf(item.trueClass);
  }
  return classNames.indexOf(option);
}

function maskToInputSize(
  values: Uint8Array,
  width: number,
  height: number,
  size: [number, number],
): Uint8Array {
  const img: GrayImage = { width, height, data: values, sourceBitDepth: 8, sourceChannels: 1 };
  return resizeNearest(img, size).data;
}

/** Everything {@link generateCamMaps} checked before writing: targets and mask files per item. */
interface CamRunPlan {
  targets: CamTarget[];
  maskFiles: (string | null)[];
}

/** Check the options and every input (images, masks) before anything is written. */
async function planCamRun(options: GenerateCamMapsOptions): Promise<CamRunPlan> {
  const { metadata, items } = options;
  const classNames = metadata.classNames;
  const targetOption = options.target ?? 'pred';
  if (!['pred', 'predicted', 'true', ...classNames].includes(targetOption)) {
    throw new InputError(
      `class to explain must be pred, true or one of ${classNames.join(', ')}, got "${targetOption}"`,
    );
  }
  if (items.length === 0) throw new InputError('no images to map');
  const targets = items.map((it) => resolveTarget(targetOption, it, classNames));
  const maskFiles = items.map((it) => (options.masks ? findPhantomMask(it.path) : null));
  for (const it of items) await loadImage(it.path);
  for (const m of maskFiles) if (m) readPhantomMask(m);
  if (options.masks && maskFiles.every((m) => m === null)) {
    throw new InputError(
      `${path.dirname(items[0].path)}: --masks needs ground-truth masks (phantom datasets: masks/… or manifest.csv), none found for these images`,
    );
  }
  const missing = maskFiles.filter((m) => m === null).length;
  if (options.masks && missing > 0) {
    options.warn?.(
      `${missing} of ${items.length} image(s) have no ground-truth mask: not measured`,
    );
  }
  return { targets, maskFiles };
}

/** The map method bound to the model and engine; bad layers become an InputError naming the model. */
function camFor(options: GenerateCamMapsOptions, engine: DensityEngine): Cam {
  try {
    return createCam(options.model, options.method ?? 'gradcam', {
      layer: options.layer,
      classNames: options.metadata.classNames,
      engine,
    });
  } catch (err) {
    throw new InputError(
      `${options.modelDir ?? 'model'}: ${(err as Error).message.replace(/^Error: /, '')}`,
    );
  }
}

/** Load, preprocess and map one image. */
async function mapOne(
  cam: Cam,
  item: CamItem,
  target: CamTarget,
  size: [number, number],
): Promise<{ img: GrayImage; result: CamResult }> {
  const img = await loadImage(item.path);
  const x = tf.tidy(() => preprocessForNetwork(img, size).expandDims(0) as tf.Tensor4D);
  try {
    return { img, result: await cam.compute(x, target) };
  } finally {
    x.dispose();
  }
}

/** Write the images of one map and measure it against its mask; returns its index record. */
async function recordOne(
  options: GenerateCamMapsOptions,
  item: CamItem,
  index: number,
  mapped: { img: GrayImage; result: CamResult },
  maskFile: string | null,
  scorer: ImageScorer | undefined,
): Promise<CamImageRecord> {
  const { metadata } = options;
  const size = metadata.inputSize;
  const { img, result } = mapped;
  const map = result.maps[0];
  const small = resizeNearest(img, size);
  const projection = item.projection ?? metadata.projection ?? 'unknown';
  const predicted = metadata.classNames[result.predicted[0]];
  const dir = path.join(options.outDir, 'MAPS', projection, item.trueClass ?? 'unknown');
  const stem = path.basename(item.path).replace(/\.[^.]+$/, '');
  const set = renderCamImages(small.data, size[1], size[0], map, {
    negativeMap: options.negative ? result.negativeMaps[0] : undefined,
  });
  const written = writeCamImages(dir, camFileNames(predicted, stem, size), set);
  const files: Partial<Record<keyof CamImageSet, string>> = {};
  for (const [k, f] of Object.entries(written)) {
    files[k as keyof CamImageSet] = path.relative(options.outDir, f).split(path.sep).join('/');
  }
  const record: CamImageRecord = {
    image: path.resolve(item.path),
    projection,
    trueClass: item.trueClass,
    predicted,
    probabilities: result.probabilities[0],
    target: metadata.classNames[result.targets[0]],
    layer: result.layer,
    method: options.method ?? 'gradcam',
    emptyMap: result.empty[0],
    files,
  };
  if (maskFile) {
    const mask = readPhantomMask(maskFile);
    const steps = options.deletionSteps ?? 8;
    const breastOnly = mask.breast.map((b, k) => (b && !mask.pectoral[k] ? 1 : 0));
    record.mask = maskFile;
    record.measures = await measureExplainability({
      image: Float32Array.from(small.data),
      map,
      width: size[1],
      target: result.targets[0],
      denseMask: maskToInputSize(mask.dense, mask.width, mask.height, size),
      breastMask: maskToInputSize(breastOnly, mask.width, mask.height, size),
      scorer,
      steps: steps > 0 ? steps : undefined,
      seed: (options.seed ?? 0) + index,
    });
  }
  return record;
}

/**
 * Map every image in order, one image ahead: the engine computes the next map (on its own
 * threads for ONNX Runtime) while this thread renders, writes and measures the current one.
 */
async function mapAll(
  options: GenerateCamMapsOptions,
  plan: CamRunPlan,
  cam: Cam,
  scorer: ImageScorer | undefined,
): Promise<CamImageRecord[]> {
  const { items } = options;
  const size = options.metadata.inputSize;
  const start = (i: number) => {
    const p = mapOne(cam, items[i], plan.targets[i], size);
    p.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    return p;
  };
  const progress = createProgress({
    total: items.length,
    label: `${cam.method} ${cam.layer}`,
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  const records: CamImageRecord[] = [];
  try {
    let next = start(0);
    for (const [i, item] of items.entries()) {
      await yieldToEventLoop(); // let SIGINT/SIGTERM handlers run (staging cleanup)
      const mapped = await next;
      if (i + 1 < items.length) next = start(i + 1);
      const record = await recordOne(options, item, i, mapped, plan.maskFiles[i], scorer);
      records.push(record);
      const fields: Record<string, string | number> = {
        last: `${record.predicted} ${path.basename(item.path)}`,
      };
      if (record.measures) fields.ratio = Number(record.measures.attention.ratio.toFixed(2));
      progress.update(i + 1, fields);
    }
  } finally {
    progress.stop();
  }
  return records;
}

/** Summarise, then write `explainability*.json` (when measured) and `gradcam.json`. */
function writeCamReport(
  options: GenerateCamMapsOptions,
  layer: string,
  records: CamImageRecord[],
): CamRunReport {
  const measured = records.filter((r) => r.measures);
  const summary = measured.length
    ? summarizeExplainability(
        measured.map((r) => ({
          projection: r.projection,
          trueClass: r.trueClass ?? 'unknown',
          measures: r.measures!,
        })),
      )
    : null;
  const report: CamRunReport = {
    format: 'breast-density-gradcam',
    version: 1,
    model: options.modelDir ?? null,
    inputSize: options.metadata.inputSize,
    layer,
    method: options.method ?? 'gradcam',
    target: options.target ?? 'pred',
    date: new Date().toISOString(),
    command: options.command ?? null,
    images: records,
    explainability: summary,
  };
  // The index lists the images without the per-step curves; those go to explainability.json.
  const index = {
    ...report,
    images: records.map(({ measures, ...rest }) =>
      measures
        ? {
            ...rest,
            measures: {
              attention: measures.attention,
              pointing: measures.pointing,
              fillValue: measures.fillValue,
              auc: measures.curves?.auc,
              confidence: measures.confidence,
            },
          }
        : rest,
    ),
  };
  if (summary) {
    const images = measured.map((r) => ({
      image: r.image,
      projection: r.projection,
      trueClass: r.trueClass,
      mask: r.mask,
      measures: r.measures,
    }));
    writeFileAtomic(
      path.join(options.outDir, EXPLAINABILITY_FILE),
      `${JSON.stringify({ summary, images }, jsonNumbers, 2)}\n`,
    );
    writeFileAtomic(
      path.join(options.outDir, EXPLAINABILITY_FIGURE_FILE),
      `${JSON.stringify(explainabilityFigure(summary), jsonNumbers)}\n`,
    );
  }
  writeFileAtomic(
    path.join(options.outDir, GRADCAM_INDEX),
    `${JSON.stringify(index, jsonNumbers, 2)}\n`,
  );
  return report;
}

/**
 * Compute, write and index the maps of a list of images, through the compute engine (ONNX
 * Runtime by default, see `createDensityEngine`).
 * @returns The report (as written to `gradcam.json`).
 * @throws InputError for unreadable images or masks, a bad class option, an unknown layer or an
 *   unwritable output folder — before any file is written.
 */
export async function generateCamMaps(options: GenerateCamMapsOptions): Promise<CamRunReport> {
  const plan = await planCamRun(options);
  const engine = options.engine ?? (await createDensityEngine(options.model));
  try {
    const cam = camFor(options, engine);
    ensureWritableDir(options.outDir);
    const steps = options.deletionSteps ?? 8;
    // The perturbation measures run many forward passes, batched through the same engine.
    const scorer =
      options.masks && steps > 0
        ? createImageScorer(options.model, options.metadata.inputSize, 4, engine)
        : undefined;
    const records = await mapAll(options, plan, cam, scorer);
    return writeCamReport(options, cam.layer, records);
  } finally {
    if (!options.engine) await engine.dispose();
  }
}

/** JSON replacer: NaN/Infinity become null (JSON has no NaN), numbers keep full precision. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
