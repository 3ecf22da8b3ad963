/**
 * A whole phantom dataset on disk, in the layout of the original (`flow_from_directory`):
 *
 * ```
 * <out>/<PROJ>/<split>/<class>/<subject>_1_<class>_<PROJ>.png     images (8-bit gray)
 * <out>/masks/<PROJ>/<split>/<class>/<stem>_mask.png              ground truth (see phantomMask)
 * <out>/records/<PROJ>/<split>/<class>/<stem>.json                PhantomRecord
 * <out>/manifest.csv                                              one row per image
 * <out>/phantom.json                                              generation options
 * ```
 *
 * `masks/` and `records/` are not projection folders, so `readImageDataset` never lists them.
 * Subjects: each has four views (CC_L, CC_R, MLO_L, MLO_R) sharing one outline seed (left and
 * right mirrored) and a subject dense fraction; each view's fraction is the subject's plus
 * N(0, viewJitter²) noise, kept inside the subject's class unless `sameClassViews` is false.
 * Subject classes follow `classBalance` exactly (largest remainder), the subject fraction is
 * uniform inside its class interval (2 % margins; A from 3 %, D up to 95 %), and the split is by
 * subject, stratified by class, so the views of one subject never straddle train and test.
 * Everything derives from `seed`; the directory is written atomically (complete or absent).
 */
import * as fs from 'fs';
import * as path from 'path';
import { createRng, hashSeed, shuffledIndices } from '../data/createRng';
import { InputError } from '../errors';
import { writeDirAtomic, writeFileAtomic } from '../io/atomicWrite';
import { outputMarker } from '../io/outputMarker';
import { yieldToEventLoop } from '../io/yieldToEventLoop';
import { PHANTOM_MARKER_KIND, checkPhantomOverwrite } from './checkPhantomOverwrite';
import {
  CLASS_NAMES,
  PROJECTIONS,
  isProjection,
  type ClassName,
  type Projection,
} from '../model/constants';
import { createProgress, type Progress, type ProgressOptions } from '../progress/createProgress';
import { DENSITY_THRESHOLDS, classInterval } from './densityClass';
import { PHANTOM_DEFAULT_SIZE, PHANTOM_GENERATOR, PHANTOM_MAX_PIXELS } from './generatePhantom';
import { formatManifest, type ManifestRow } from './manifest';
import { createWorkerPool, defaultWorkerCount } from '../parallel/createWorkerPool';
import { renderPhantomFiles, type PhantomJob } from './renderPhantomFiles';

/** Options of {@link generatePhantomDataset}. */
export interface PhantomDatasetOptions {
  /** Number of subjects (each gives 4 images). */
  subjects: number;
  /** Master seed. */
  seed: number;
  /** Image width (default 384). */
  width?: number;
  /** Image height (default 672). */
  height?: number;
  /** Fractions of subjects in train, val, test (sum 1). Default [0.8, 0.1, 0.1]. */
  split?: [number, number, number];
  /** Relative frequency of classes A–D among subjects. Default equal. */
  classBalance?: [number, number, number, number];
  /** Class thresholds. Default [0.25, 0.5, 0.75]. */
  thresholds?: [number, number, number];
  /** SD of the per-view dense fraction around the subject's. Default 0.04. */
  viewJitter?: number;
  /** Keep every view in the subject's class (default true). */
  sameClassViews?: boolean;
  /** Subject id prefix (default `ph`): ids are `ph0001`, `ph0002`… */
  subjectPrefix?: string;
  /**
   * Views to render (default all four). The others are still planned (every random draw is
   * made), so a view's image does not depend on which views are rendered with it.
   */
  projections?: readonly Projection[];
  /**
   * Subjects to render, by id (`ph0007`; default all). The others are still drawn, so a
   * subject's images, class and split do not depend on which subjects are rendered with it:
   * a few cases of a large set regenerate byte for byte.
   */
  subjectIds?: readonly string[];
  /** Replace an existing phantom dataset at the output path (default false). */
  overwrite?: boolean;
  /** Worker threads rendering images (default: one per core for ≥ 200 images, else 1). */
  workers?: number;
  /** Progress sink (default `auto`: bar on a terminal). */
  progress?: ProgressOptions['sink'];
}

/** Split names in the order of the `split` fractions. */
export const PHANTOM_SPLITS = ['train', 'val', 'test'] as const;

/** Largest-remainder apportionment of `n` items by weights. */
export function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (n * w) / total);
  const counts = exact.map(Math.floor);
  const order = exact
    .map((e, i) => ({ i, rem: e - Math.floor(e) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]++;
    left--;
  }
  return counts;
}

function checkOptions(o: PhantomDatasetOptions): void {
  if (!(Number.isInteger(o.subjects) && o.subjects >= 1 && o.subjects <= 100_000)) {
    throw new InputError(`subjects: expected a whole number from 1 to 100000, got ${o.subjects}`);
  }
  const split = o.split ?? [0.8, 0.1, 0.1];
  if (
    split.length !== 3 ||
    split.some((v) => !(v >= 0)) ||
    Math.abs(split[0] + split[1] + split[2] - 1) > 1e-6
  ) {
    throw new InputError(
      `split: expected three fractions ≥ 0 summing to 1, got ${split.join(',')}`,
    );
  }
  const bal = o.classBalance ?? [1, 1, 1, 1];
  if (bal.length !== 4 || bal.some((v) => !(v >= 0)) || !(bal.reduce((a, b) => a + b, 0) > 0)) {
    throw new InputError(
      `classBalance: expected four weights ≥ 0, not all 0, got ${bal.join(',')}`,
    );
  }
}

/**
 * Generate a phantom dataset (images, masks, records, manifest) into `outDir`.
 * @param outDir Output folder: must not exist, be empty, or (with `overwrite`) hold a previous
 *   phantom dataset of this project and nothing else (`checkPhantomOverwrite`); anything else
 *   is refused. The dataset carries the marker `.breast-density-output.json`.
 * @param options Subjects, seed, size, split, class balance.
 * @returns The manifest rows, in file order (projection, split, class, subject).
 * @throws InputError for bad options or an output folder it must not replace.
 */
export async function generatePhantomDataset(
  outDir: string,
  options: PhantomDatasetOptions,
): Promise<ManifestRow[]> {
  const settings = resolveDatasetSettings(options);
  checkDatasetTarget(outDir, options);
  const subjects = drawSubjects(options, settings);
  const jobs = planPhantomJobs(subjects, options, settings);
  const total = jobs.length;
  const workers = options.workers ?? (total >= 200 ? defaultWorkerCount() : 1);
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new InputError(`workers: expected a whole number ≥ 1, got ${workers}`);
  }
  const progress = createProgress({
    total,
    label: 'phantom',
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  let rows: ManifestRow[] = [];
  try {
    await writeDirAtomic(outDir, async (tmp) => {
      rows = await renderPhantomJobs(
        jobs.map((j) => ({ ...j, dir: tmp })),
        workers,
        progress,
      );
      rows.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
      writeDatasetIndex(tmp, rows, options, settings);
    });
  } finally {
    progress.stop();
  }
  return rows;
}

/** The dataset options with defaults applied and checked. */
interface DatasetSettings {
  width: number;
  height: number;
  split: [number, number, number];
  thresholds: [number, number, number];
  jitter: number;
  sameClass: boolean;
  prefix: string;
  /** Views rendered, in {@link PROJECTIONS} order. */
  projections: Projection[];
  /** Subjects rendered (`null`: all). */
  subjectIds: Set<string> | null;
}

function resolveDatasetSettings(options: PhantomDatasetOptions): DatasetSettings {
  checkOptions(options);
  const width = options.width ?? PHANTOM_DEFAULT_SIZE.width;
  const height = options.height ?? PHANTOM_DEFAULT_SIZE.height;
  if (!(
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width >= 16 &&
    height >= 16 &&
    width <= 8192 &&
    height <= 8192
  )) {
    throw new InputError(
      `size: expected whole width and height from 16 to 8192, got ${width}x${height}`,
    );
  }
  const settings: DatasetSettings = {
    width,
    height,
    split: options.split ?? [0.8, 0.1, 0.1],
    thresholds: options.thresholds ?? ([...DENSITY_THRESHOLDS] as [number, number, number]),
    jitter: options.viewJitter ?? 0.04,
    sameClass: options.sameClassViews ?? true,
    prefix: options.subjectPrefix ?? 'ph',
    projections: resolveProjections(options.projections),
    subjectIds: options.subjectIds === undefined ? null : new Set(options.subjectIds),
  };
  if (settings.subjectIds?.size === 0) {
    throw new InputError('subjectIds: expected at least one subject id, got none');
  }
  if (width * height > PHANTOM_MAX_PIXELS) {
    throw new InputError(
      `size: ${width}x${height} is ${((width * height) / 1e6).toFixed(1)} Mpixel, over the phantom limit of ${PHANTOM_MAX_PIXELS / 1e6} Mpixel`,
    );
  }
  return settings;
}

/** The views to render: all by default, else the given ones (checked) in PROJECTIONS order. */
function resolveProjections(given: readonly Projection[] | undefined): Projection[] {
  if (given === undefined) return [...PROJECTIONS];
  const bad = given.filter((p) => !isProjection(p));
  if (given.length === 0 || bad.length > 0) {
    throw new InputError(
      `projections: expected a non-empty list of ${PROJECTIONS.join(', ')}, got ${given.length === 0 ? 'none' : bad.join(', ')}`,
    );
  }
  return PROJECTIONS.filter((p) => given.includes(p));
}

/** Refuse a file, or a non-empty folder without `overwrite` (or one this project did not write). */
function checkDatasetTarget(outDir: string, options: PhantomDatasetOptions): void {
  if (!fs.existsSync(outDir)) return;
  if (!fs.statSync(outDir).isDirectory()) throw new InputError(`${outDir}: exists and is a file`);
  if (fs.readdirSync(outDir).length === 0) return;
  if (!options.overwrite) {
    throw new InputError(
      `${outDir}: exists and is not empty; choose a new folder or pass --overwrite`,
    );
  }
  checkPhantomOverwrite(outDir);
}

/** One subject of the dataset. */
interface PhantomSubject {
  id: string;
  className: ClassName;
  /** Dense fraction of the subject (views jitter around it). */
  fraction: number;
  /** Range the views stay in with `sameClassViews`. */
  bounds: [number, number];
  split: string;
}

/** Subjects: class (apportioned, shuffled), dense fraction within the class, split per class. */
function drawSubjects(options: PhantomDatasetOptions, settings: DatasetSettings): PhantomSubject[] {
  const rng = createRng(`dataset:${options.seed}`);
  const n = options.subjects;
  const counts = apportion(n, options.classBalance ?? [1, 1, 1, 1]);
  const classes: ClassName[] = [];
  counts.forEach((c, k) => {
    for (let j = 0; j < c; j++) classes.push(CLASS_NAMES[k]);
  });
  const perm = shuffledIndices(n, rng);
  const subjects = perm.map((p, i): PhantomSubject => {
    const className = classes[p];
    const [lo, hi] = classInterval(className, settings.thresholds);
    const a = className === 'A' ? Math.max(lo, 0.03) : lo + 0.02;
    const b = className === 'D' ? Math.min(hi, 0.95) : hi - 0.02;
    return {
      id: `${settings.prefix}${String(i + 1).padStart(Math.max(4, String(n).length), '0')}`,
      className,
      fraction: rng.uniform(a, b),
      bounds: [lo + 0.005, hi - 0.005],
      split: '',
    };
  });
  for (const cls of CLASS_NAMES) {
    const members = subjects.filter((s) => s.className === cls);
    const [nTrain, nVal] = apportion(members.length, settings.split);
    members.forEach((s, j) => {
      s.split = j < nTrain ? 'train' : j < nTrain + nVal ? 'val' : 'test';
    });
  }
  const wanted = settings.subjectIds;
  if (wanted === null) return subjects;
  const known = new Set(subjects.map((s) => s.id));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const [first, last] = [subjects[0].id, subjects[subjects.length - 1].id];
    throw new InputError(
      `subjectIds: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} not among the ${n} subjects (${first}…${last})`,
    );
  }
  return subjects.filter((s) => wanted.has(s.id));
}

/**
 * One job per subject and view. Every random choice is made here, in order, so the files do
 * not depend on the worker count.
 */
function planPhantomJobs(
  subjects: PhantomSubject[],
  options: PhantomDatasetOptions,
  settings: DatasetSettings,
): Omit<PhantomJob, 'dir'>[] {
  const { width, height, thresholds, jitter, sameClass, projections } = settings;
  const jobs: Omit<PhantomJob, 'dir'>[] = [];
  for (const s of subjects) {
    const anatomySeed = hashSeed(`${options.seed}:${s.id}:anatomy`);
    const viewRng = createRng(`${options.seed}:${s.id}:views`);
    for (const projection of PROJECTIONS) {
      let f = s.fraction + jitter * viewRng.normal();
      f = sameClass
        ? Math.min(Math.max(f, s.bounds[0]), s.bounds[1])
        : Math.min(Math.max(f, 0.01), 0.97);
      const seed = hashSeed(`${options.seed}:${s.id}:${projection}`);
      if (!projections.includes(projection)) continue;
      jobs.push({
        subject: s.id,
        split: s.split,
        projection,
        denseFraction: f,
        seed,
        anatomySeed,
        width,
        height,
        thresholds,
      });
    }
  }
  return jobs;
}

/** Render every job, in this thread (one worker) or on a worker pool; rows in job order or as done. */
async function renderPhantomJobs(
  jobs: PhantomJob[],
  workers: number,
  progress: Progress,
): Promise<ManifestRow[]> {
  let done = 0;
  if (workers === 1) {
    const rows: ManifestRow[] = [];
    for (const job of jobs) {
      rows.push(renderPhantomFiles(job));
      progress.update(++done);
      await yieldToEventLoop(); // SIGINT/SIGTERM remove the staging promptly
    }
    return rows;
  }
  const pool = await createWorkerPool<null, PhantomJob, ManifestRow>(
    {
      modulePath: path.join(__dirname, 'renderPhantomFiles.ts'),
      exportName: 'createPhantomWorker',
      init: null,
    },
    { workers },
  );
  try {
    return await pool.map(jobs, { onResult: () => progress.update(++done) });
  } finally {
    await pool.close();
  }
}

/** The marker, `manifest.csv` and `phantom.json` (the options that regenerate the dataset). */
function writeDatasetIndex(
  dir: string,
  rows: ManifestRow[],
  options: PhantomDatasetOptions,
  settings: DatasetSettings,
): void {
  writeFileAtomic(path.join(dir, outputMarker.name), outputMarker.text(PHANTOM_MARKER_KIND));
  writeFileAtomic(path.join(dir, 'manifest.csv'), formatManifest(rows));
  writeFileAtomic(
    path.join(dir, 'phantom.json'),
    `${JSON.stringify(
      {
        generator: PHANTOM_GENERATOR,
        subjects: options.subjects,
        seed: options.seed,
        width: settings.width,
        height: settings.height,
        split: settings.split,
        classBalance: options.classBalance ?? [1, 1, 1, 1],
        thresholds: settings.thresholds,
        viewJitter: settings.jitter,
        sameClassViews: settings.sameClass,
        subjectPrefix: settings.prefix,
        projections: settings.projections,
        ...(settings.subjectIds ? { subjectIds: [...settings.subjectIds].sort() } : {}),
        images: rows.length,
      },
      null,
      2,
    )}\n`,
  );
}
