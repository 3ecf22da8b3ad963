/**
 * One image of a phantom dataset, rendered and written: image PNG, mask PNG, JSON record. Runs in
 * the main thread or in a worker thread (`createPhantomWorker`, used by `generatePhantomDataset`
 * for large sets); every random choice is made beforehand in the job, so the files do not depend
 * on which thread renders them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileSystemError } from '../io/fileSystemError';
import type { Projection } from '../model/constants';
import type { WorkerHandler } from '../parallel/createWorkerPool';
import { encodeGray8Png } from './encodeGray8Png';
import { generatePhantom } from './generatePhantom';
import type { ManifestRow } from './manifest';
import { encodePhantomMask } from './phantomMask';

/** Everything needed to render one dataset image. */
export interface PhantomJob {
  /** Dataset folder being written (absolute). */
  dir: string;
  /** Subject id. */
  subject: string;
  /** Split of the subject. */
  split: string;
  /** Projection of the view. */
  projection: Projection;
  /** Target dense fraction of the view. */
  denseFraction: number;
  /** Texture seed. */
  seed: number;
  /** Outline seed of the subject. */
  anatomySeed: number;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Class thresholds. */
  thresholds: [number, number, number];
}

/**
 * Render one job and write its three files under `job.dir`.
 * @returns The manifest row (paths relative to `job.dir`).
 */
export function renderPhantomFiles(job: PhantomJob): ManifestRow {
  const { width, height, projection, subject, split } = job;
  const ph = generatePhantom({
    seed: job.seed,
    anatomySeed: job.anatomySeed,
    projection,
    denseFraction: job.denseFraction,
    width,
    height,
    subject,
    thresholds: job.thresholds,
  });
  const cls = ph.record.className;
  const stem = `${subject}_1_${cls}_${projection}`;
  const rel = [projection, split, cls];
  const image = [...rel, `${stem}.png`].join('/');
  const mask = ['masks', ...rel, `${stem}_mask.png`].join('/');
  const record = ['records', ...rel, `${stem}.json`].join('/');
  for (const sub of [rel, ['masks', ...rel], ['records', ...rel]]) makeSubdirs(job.dir, sub);
  writeInto(job.dir, image, encodeGray8Png(ph.image.data, width, height));
  writeInto(job.dir, mask, encodePhantomMask(ph, width, height));
  writeInto(job.dir, record, `${JSON.stringify({ ...ph.record, split, image, mask }, null, 2)}\n`);
  return {
    image,
    mask,
    projection,
    split,
    className: cls,
    subject,
    denseFraction: Math.round(ph.record.denseFraction * 1e6) / 1e6,
    seed: job.seed,
  };
}

/** Worker-pool task factory (see `lib/parallel/createWorkerPool.ts`): renders jobs. */
export function createPhantomWorker(): WorkerHandler<PhantomJob, ManifestRow> {
  return { run: (job) => renderPhantomFiles(job) };
}

/**
 * Create `root/<parts…>` one level at a time below an existing `root` (the staging folder):
 * never recreates `root` itself once it was removed (SIGINT cleanup).
 */
function makeSubdirs(root: string, parts: string[]): void {
  let dir = root;
  for (const p of parts) {
    dir = path.join(dir, p);
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fileSystemError(err, dir);
    }
  }
}

/** Write `root/<rel>`; disk full and the like become an InputError naming the file. */
function writeInto(root: string, rel: string, data: string | Uint8Array): void {
  const file = path.join(root, ...rel.split('/'));
  try {
    fs.writeFileSync(file, data);
  } catch (err) {
    throw fileSystemError(err, file);
  }
}
