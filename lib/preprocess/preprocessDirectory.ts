/**
 * Preprocess every DICOM/PNG mammogram under a directory into the project layout
 * `<out>/<VIEW>_<SIDE>/[<split>/][<class>/]<patient>_<n>[_<class>]_<VIEW>_<SIDE>.png`, with a JSON
 * report of what was done to each file (`<out>/preprocess-report.json`).
 *
 * All or nothing: images are written to a staging folder inside `<out>` (name containing `.tmp-`)
 * and moved into place only when every file succeeded; a bad file stops the run with an
 * InputError naming it and leaves `<out>` as it was (unless `keepGoing`, which records the error
 * and goes on). Views without a network (ML, LM…) are skipped and reported, never silently.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError, UsageError } from '../errors';
import { TMP_INFIX, writeFileAtomic } from '../io/atomicWrite';
import { stageOutputDir } from '../io/stageOutputDir';
import { yieldToEventLoop } from '../io/yieldToEventLoop';
import { encodePng } from '../io/png';
import { createProgress, type ProgressState } from '../progress/createProgress';
import type { PixelBox } from './grayImage';
import { mammogramOutputPath, type MammogramName } from './mammogramName';
import { UnsupportedViewError, preprocessFile } from './preprocessFile';

/** Name of the report written at the output root. */
export const PREPROCESS_REPORT_NAME = 'preprocess-report.json';

/** What happened to one input file. */
export interface PreprocessFileReport {
  /** Input path relative to the input directory. */
  input: string;
  /** Output path relative to the output directory, or null. */
  output: string | null;
  /** ok; flagged (written, but look at it: unsure muscle, unclear orientation…); skipped; error. */
  status: 'ok' | 'flagged' | 'skipped' | 'error';
  /** Why skipped / the error / the flag reasons. */
  message?: string;
  /** DICOM or PNG. */
  source?: 'dicom' | 'png';
  /** Name parts. */
  patient?: string;
  view?: string;
  laterality?: string;
  cls?: string | null;
  /** How the 8-bit image was made. */
  display?: {
    method: string;
    low: number;
    high: number;
    inverted: boolean;
    bits: number;
    transferSyntax: string | null;
  };
  /** [width, height] of the input and of the output. */
  inputSize?: [number, number];
  outputSize?: [number, number];
  /** Crop in input coordinates. */
  crop?: PixelBox;
  /** Whether the crop was mirrored to put the chest wall on the expected side. */
  flipped?: boolean;
  /** Chest-wall side found in the input and how. */
  chestWall?: { side: string; confident: boolean; source: string };
  /** Breast area over image area (input). */
  breastAreaFraction?: number;
  /** Foreground pixels removed outside the breast (labels, markers, noise). */
  removedPixels?: number;
  /** Pectoral muscle (MLO). */
  pectoral?: {
    found: boolean;
    unsure: boolean;
    message: string;
    areaFraction: number;
    replacementGray: number | null;
  } | null;
  /** All remarks. */
  warnings?: string[];
}

/** The run report. */
export interface PreprocessReport {
  /** Input directory (absolute). */
  inDir: string;
  /** Output directory (absolute). */
  outDir: string;
  /** ISO date of the run. */
  date: string;
  /** Counts per status. */
  counts: { ok: number; flagged: number; skipped: number; error: number };
  /** One entry per file found under the input directory, in sorted path order. */
  files: PreprocessFileReport[];
}

/** Options of {@link preprocessDirectory}. */
export interface PreprocessDirectoryOptions {
  /** Input directory (searched recursively). */
  inDir: string;
  /** Output root. */
  outDir: string;
  /** Optional split folder inserted after the projection (`train`, `val`, `test`). */
  split?: string | null;
  /** Record bad files as errors and go on instead of stopping. Default false. */
  keepGoing?: boolean;
  /** Progress sink (default `auto`: bar on a TTY). */
  progress?: 'auto' | 'silent' | ((state: ProgressState) => void);
}

const IMAGE_EXT = /\.(png|dcm|dicom|ima)$/i;

function listFiles(dir: string, skipDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith('.') || e.name.includes(TMP_INFIX)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (path.resolve(p) !== skipDir) walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function looksLikeDicom(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(132);
    const n = fs.readSync(fd, b, 0, 132, 0);
    return n === 132 && b.toString('latin1', 128, 132) === 'DICM';
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Preprocess a directory of mammograms.
 * @param options Input and output directories, split, error policy, progress.
 * @returns The report (also written to `<out>/preprocess-report.json`).
 * @throws InputError: input missing or empty, output not writable, or (without `keepGoing`) the
 *   first bad file, naming it; nothing is written then.
 */
export async function preprocessDirectory(
  options: PreprocessDirectoryOptions,
): Promise<PreprocessReport> {
  const inDir = path.resolve(options.inDir);
  const outDir = path.resolve(options.outDir);
  if (!fs.existsSync(inDir) || !fs.statSync(inDir).isDirectory()) {
    throw new InputError(`${options.inDir}: input directory not found`);
  }
  if (
    options.split !== undefined &&
    options.split !== null &&
    !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(options.split)
  ) {
    throw new UsageError(
      `--split "${options.split}": expected a folder name such as train, val or test`,
    );
  }
  const all = listFiles(inDir, outDir);
  const files: PreprocessFileReport[] = [];
  const candidates: string[] = [];
  for (const f of all) {
    if (IMAGE_EXT.test(f) || (!path.extname(f) && looksLikeDicom(f))) candidates.push(f);
    else
      files.push({
        input: path.relative(inDir, f),
        output: null,
        status: 'skipped',
        message: 'not a PNG or DICOM file',
      });
  }
  if (candidates.length === 0) {
    throw new InputError(`${options.inDir}: no DICOM (.dcm) or PNG files found`);
  }
  const progress = createProgress({
    total: candidates.length,
    label: 'preprocess',
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  try {
    // Staged inside <out> and moved into place only when every file and the report are written
    // (lib/io/stageOutputDir: all or nothing, removed on SIGINT/SIGTERM and by the next run).
    return await stageOutputDir(outDir, async (staging) => {
      const used = new Map<string, string>();
      const counters = new Map<string, number>();
      for (const [done, file] of candidates.entries()) {
        const entry = preprocessOne(file, { inDir, outDir, staging, used, counters, options });
        if (entry) files.push(entry);
        progress.update(done + 1);
        await yieldToEventLoop(); // SIGINT/SIGTERM remove the staging promptly
      }
      progress.stop();
      files.sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0));
      const counts = { ok: 0, flagged: 0, skipped: 0, error: 0 };
      for (const f of files) counts[f.status]++;
      const report: PreprocessReport = {
        inDir,
        outDir,
        date: new Date().toISOString(),
        counts,
        files,
      };
      writeFileAtomic(
        path.join(staging, PREPROCESS_REPORT_NAME),
        `${JSON.stringify(report, null, 2)}\n`,
      );
      return report;
    });
  } finally {
    progress.stop();
  }
}

interface PreprocessContext {
  inDir: string;
  outDir: string;
  staging: string;
  /** Output path (relative) → input path that took it. */
  used: Map<string, string>;
  /** Next image number per patient, view and side. */
  counters: Map<string, number>;
  options: PreprocessDirectoryOptions;
}

/** Preprocess one file into the staging folder; its report entry (errors per `keepGoing`). */
function preprocessOne(file: string, ctx: PreprocessContext): PreprocessFileReport {
  const rel = path.relative(ctx.inDir, file);
  let writing = false; // a failed write (disk full) stops the run even with keepGoing
  try {
    const bytes = fs.readFileSync(file);
    const { decoded, result, name } = preprocessFile(bytes, file);
    const key = `${name.patient}|${name.view}|${name.laterality}`;
    const n = name.n ?? (ctx.counters.get(key) ?? 0) + 1;
    ctx.counters.set(key, Math.max(n, ctx.counters.get(key) ?? 0));
    const parts: MammogramName = {
      patient: name.patient,
      n,
      cls: name.cls,
      view: name.view,
      laterality: name.laterality,
    };
    const target = mammogramOutputPath(ctx.outDir, parts, ctx.options.split);
    const outRel = path.relative(ctx.outDir, target);
    const clash = ctx.used.get(outRel);
    if (clash)
      throw new InputError(`${file}: would be written as ${outRel}, already used by ${clash}`);
    ctx.used.set(outRel, rel);
    const png = encodePng({
      width: result.image.width,
      height: result.image.height,
      channels: 1,
      bitDepth: 8,
      data: result.image.data,
    });
    writing = true;
    writeFileAtomic(path.join(ctx.staging, outRel), png);
    writing = false;
    const p = result.pectoral;
    return {
      input: rel,
      output: outRel,
      status: result.flagged ? 'flagged' : 'ok',
      ...(result.flagged ? { message: result.warnings.join('; ') } : {}),
      source: decoded.source,
      patient: parts.patient,
      view: parts.view,
      laterality: parts.laterality,
      cls: parts.cls,
      display: decoded.display,
      inputSize: [decoded.gray.width, decoded.gray.height],
      outputSize: [result.image.width, result.image.height],
      crop: result.transform.box,
      flipped: result.transform.flipped,
      chestWall: {
        side: result.chestWall.side,
        confident: result.chestWall.confident,
        source: result.chestWall.source,
      },
      breastAreaFraction: Number(result.segmentation.areaFraction.toFixed(4)),
      removedPixels: result.segmentation.removedPixels,
      pectoral: p
        ? {
            found: p.found,
            unsure: p.unsure,
            message: p.message,
            areaFraction: Number(p.areaFraction.toFixed(4)),
            replacementGray: p.replacementGray,
          }
        : null,
      warnings: result.warnings,
    };
  } catch (err) {
    if (err instanceof UnsupportedViewError) {
      return { input: rel, output: null, status: 'skipped', message: err.message };
    }
    if (err instanceof InputError && ctx.options.keepGoing && !writing) {
      return { input: rel, output: null, status: 'error', message: err.message };
    }
    throw err;
  }
}
