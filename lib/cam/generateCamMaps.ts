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
import { parseImageName } from '../data/readImageDataset';
import { InputError } from '../errors';
import { createInferenceModel, type InferenceModel } from '../fast/createInferenceModel';
import { ensureWritableDir, writeFileAtomic } from '../io/atomicWrite';
import { yieldToEventLoop } from '../io/yieldToEventLoop';
import { isClassName, isProjection } from '../model/constants';
import type { ModelMetadata } from '../modelFiles/modelMetadata';
import { findPhantomMask } from '../phantom/manifest';
import { readPhantomMask } from '../phantom/phantomMask';
import { createCamResultSource } from '../parallel/camResultsInWorkers';
import { defaultWorkerCount } from '../parallel/createWorkerPool';
import { createProgress, type ProgressOptions } from '../progress/createProgress';
import { camFileNames, renderCamImages, writeCamImages, type CamImageSet } from './camImages';
import type { CamTarget } from './camTargets';
import type { CamMethod } from './camTypes';
import { createCam } from './createCam';
import { explainabilityFigure } from './explainability/explainabilityFigure';
import { createImageScorer } from './explainability/imageScorer';
import {
  measureExplainability,
  type ExplainabilityMeasures,
} from './explainability/measureExplainability';
import {
  summarizeExplainability,
  type ExplainabilitySummary,
} from './explainability/summarizeExplainability';

/** One image to map. */
export interface CamJobItem {
  /** Image file. */
  path: string;
  /** True class name when known (dataset folder or file name), else null. */
  trueClass: string | null;
  /** Projection when known, else null (then the model's, then `unknown`). */
  projection: string | null;
}

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
  /** Images. */
  items: CamJobItem[];
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
  /** Worker threads computing the maps (lib/parallel). Default: one per core; 1 = this thread. */
  workers?: number;
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

/** Projection and true class of a lone image file, from its name or its parent folders. */
export function describeImageFile(file: string): CamJobItem {
  const parsed = parseImageName(path.basename(file));
  const parts = path.resolve(file).split(path.sep);
  const parent = parts[parts.length - 2] ?? '';
  const trueClass = parsed?.className ?? (isClassName(parent) ? parent : null);
  const projection = parsed?.projection ?? parts.filter(isProjection).pop() ?? null;
  return {
    path: file,
    trueClass: trueClass && isClassName(trueClass) ? trueClass : null,
    projection,
  };
}

function resolveTarget(option: CamClassOption, item: CamJobItem, classNames: string[]): CamTarget {
  if (option === 'pred' || option === 'predicted') return 'predicted';
  if (option === 'true') {
    if (!item.trueClass) {
      throw new InputError(
        `${item.path}: --class true needs the true class (a class folder or a <subject>_<n>_<class>_<projection> file name)`,
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

/**
 * Compute, write and index the maps of a list of images.
 * @returns The report (as written to `gradcam.json`).
 * @throws InputError for unreadable images or masks, a bad class option, an unknown layer or an
 *   unwritable output folder — before any file is written.
 */
export async function generateCamMaps(options: GenerateCamMapsOptions): Promise<CamRunReport> {
  const { model, metadata, items } = options;
  const size = metadata.inputSize;
  const classNames = metadata.classNames;
  const method = options.method ?? 'gradcam';
  const targetOption = options.target ?? 'pred';
  if (!['pred', 'predicted', 'true', ...classNames].includes(targetOption)) {
    throw new InputError(
      `class to explain must be pred, true or one of ${classNames.join(', ')}, got "${targetOption}"`,
    );
  }
  if (items.length === 0) throw new InputError('no images to map');
  let cam;
  try {
    cam = createCam(model, method, { layer: options.layer, classNames });
  } catch (err) {
    throw new InputError(
      `${options.modelDir ?? 'model'}: ${(err as Error).message.replace(/^Error: /, '')}`,
    );
  }
  // Everything that can be wrong with the inputs is checked before the first file is written.
  const targets = items.map((it) => resolveTarget(targetOption, it, classNames));
  const maskFiles: (string | null)[] = items.map((it) =>
    options.masks ? findPhantomMask(it.path) : null,
  );
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
  ensureWritableDir(options.outDir);

  const steps = options.deletionSteps ?? 8;
  // The perturbation measures run many forward passes: use the fast inference form (BatchNorm
  // folded, fused convolutions; same probabilities up to float32 rounding).
  const fast: InferenceModel | undefined =
    options.masks && steps > 0 ? createInferenceModel(model) : undefined;
  const scorer = fast ? createImageScorer(model, size, 4, fast) : undefined;
  // Maps on every core (lib/parallel): workers compute ahead while this loop renders and writes.
  const workers = Math.min(options.workers ?? defaultWorkerCount(), items.length);
  const source =
    workers > 1
      ? await createCamResultSource(
          model,
          items.map((it, i) => ({
            path: it.path,
            target: targets[i],
            inputSize: size,
            method,
            layer: options.layer,
            classNames: [...classNames],
          })),
          { workers },
        )
      : null;
  const progress = createProgress({
    total: items.length,
    label: `${method} ${cam.layer}`,
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  const records: CamImageRecord[] = [];
  try {
    for (const [i, item] of items.entries()) {
      await yieldToEventLoop(); // let SIGINT/SIGTERM handlers run (staging cleanup)
      const img = await loadImage(item.path);
      let result;
      if (source) {
        result = await source.get(i);
      } else {
        const x = tf.tidy(() => preprocessForNetwork(img, size).expandDims(0) as tf.Tensor4D);
        try {
          result = cam.compute(x, targets[i]);
        } finally {
          x.dispose();
        }
      }
      const map = result.maps[0];
      const small = resizeNearest(img, size);
      const projection = item.projection ?? metadata.projection ?? 'unknown';
      const trueClass = item.trueClass;
      const predicted = classNames[result.predicted[0]];
      const dir = path.join(options.outDir, 'MAPS', projection, trueClass ?? 'unknown');
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
        trueClass,
        predicted,
        probabilities: result.probabilities[0],
        target: classNames[result.targets[0]],
        layer: result.layer,
        method,
        emptyMap: result.empty[0],
        files,
      };
      const maskFile = maskFiles[i];
      if (maskFile) {
        const mask = readPhantomMask(maskFile);
        const dense = maskToInputSize(mask.dense, mask.width, mask.height, size);
        const breastOnly = mask.breast.map((b, k) => (b && !mask.pectoral[k] ? 1 : 0));
        const breast = maskToInputSize(breastOnly, mask.width, mask.height, size);
        record.mask = maskFile;
        record.measures = await measureExplainability({
          image: Float32Array.from(small.data),
          map,
          width: size[1],
          target: result.targets[0],
          denseMask: dense,
          breastMask: breast,
          scorer,
          steps: steps > 0 ? steps : undefined,
          seed: (options.seed ?? 0) + i,
        });
      }
      records.push(record);
      const fields: Record<string, string | number> = { last: `${predicted} ${stem}` };
      if (record.measures) fields.ratio = Number(record.measures.attention.ratio.toFixed(2));
      progress.update(i + 1, fields);
    }
  } finally {
    progress.stop();
    fast?.dispose();
    await source?.close();
  }
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
    inputSize: size,
    layer: cam.layer,
    method,
    target: targetOption,
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
    writeFileAtomic(
      path.join(options.outDir, EXPLAINABILITY_FILE),
      `${JSON.stringify({ summary, images: measured.map((r) => ({ image: r.image, projection: r.projection, trueClass: r.trueClass, mask: r.mask, measures: r.measures })) }, jsonNumbers, 2)}\n`,
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

/** JSON replacer: NaN/Infinity become null (JSON has no NaN), numbers keep full precision. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
