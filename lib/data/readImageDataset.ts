/**
 * Directory datasets in the layout of Keras `flow_from_directory`, as the original scripts used:
 * `<root>/<PROJECTION>/<split>/<A|B|C|D>/*.png`, or a bare `<dir>/<A|B|C|D>/`.
 *
 * Order is that of `flow_from_directory(shuffle=False)`: classes in sorted order (label = index in
 * `classNames`), then within a class the files of `os.walk` sorted by directory path and by file
 * name (code-point order; sub-folders of a class folder are walked too, as Keras does). Accepted
 * extensions are Keras' white list (png, jpg, jpeg, bmp, ppm, tif, tiff, any case).
 *
 * Nothing is dropped silently: a folder that is not a class name is an error; files that are not
 * images (other extension, hidden, empty, unrecognised content, temporaries of interrupted writes)
 * are listed in `skipped` with the reason; missing or empty class folders are listed in
 * `warnings`. Only the first bytes of each file are read here; decoding happens when batches are
 * built (a file that then fails to decode stops the run with its path named).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { TMP_INFIX } from '../io/atomicWrite';
import { CLASS_NAMES, PROJECTIONS, isProjection, type Projection } from '../model/constants';
import type { ImageRef } from './imageRef';
import { hasImageExtension } from './loadImage';
import { parseImagePath } from './parseImagePath';

/**
 * One image of a dataset: an {@link ImageRef} (`name` = `relPath`, `trueClass` = `className`,
 * projection from the layout, else the file name) with its place in the listing.
 */
export interface DatasetItem extends ImageRef {
  /** Path relative to the dataset root given by the caller. */
  relPath: string;
  /** Class index in {@link ImageDataset.classNames} (0 = A). */
  label: number;
  /** Class folder name, e.g. `B` (also `trueClass`: the folder wins over the file name). */
  className: string;
  /** Split folder (`train`, `val`, `test`…) when the layout has one, else null. */
  split: string | null;
}

/** A file that is not part of the dataset, and why. */
export interface SkippedFile {
  /** Absolute path. */
  path: string;
  /** Reason, e.g. `not an image extension`, `empty file (0 bytes)`. */
  reason: string;
}

/** A dataset listing (no pixels loaded). */
export interface ImageDataset {
  /** The root the caller passed (absolute). */
  root: string;
  /** The folder holding the class folders (absolute). */
  dir: string;
  /** Class names in label order (default A, B, C, D). */
  classNames: string[];
  /** Images in Keras order. */
  items: DatasetItem[];
  /** Files found but not used, with reasons (reported, counted). */
  skipped: SkippedFile[];
  /** Missing or empty class folders and similar notes, one line each. */
  warnings: string[];
  /** Projection of the dataset when known. */
  projection: Projection | null;
  /** Split when known. */
  split: string | null;
}

/** Options of {@link readImageDataset}. */
export interface ReadImageDatasetOptions {
  /** Projection folder to descend into (`<root>/<projection>/…`). */
  projection?: Projection;
  /** Split folder to descend into (`…/<split>/<class>/`). */
  split?: string;
  /** Class folder names in label order. Default {@link CLASS_NAMES}. */
  classNames?: readonly string[];
}

/** Split folder names recognised when inferring the split from a path. */
export const SPLIT_NAMES = ['train', 'val', 'validation', 'test'];

function subdirs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** What the first bytes say: null when they look like an image, else the reason. */
function sniff(file: string): string | null {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const n = fs.readSync(fd, head, 0, 8, 0);
    if (n === 0) return 'empty file (0 bytes)';
    const png =
      n >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a;
    const jpeg = n >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    const bmp = n >= 2 && head[0] === 0x42 && head[1] === 0x4d;
    const tiff =
      n >= 4 &&
      ((head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a && head[3] === 0) ||
        (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && head[3] === 0x2a));
    const ppm = n >= 2 && head[0] === 0x50 && head[1] >= 0x31 && head[1] <= 0x36;
    return png || jpeg || bmp || tiff || ppm ? null : 'not an image (unrecognised content)';
  } finally {
    fs.closeSync(fd);
  }
}

/** os.walk of a class folder, sorted as Keras' `_iter_valid_files`. */
function walkSorted(dir: string): { dir: string; files: string[] }[] {
  const out: { dir: string; files: string[] }[] = [];
  const visit = (d: string): void => {
    const entries = fs.readdirSync(d, { withFileTypes: true });
    out.push({
      dir: d,
      files: entries
        .filter((e) => !e.isDirectory())
        .map((e) => e.name)
        .sort(),
    });
    for (const e of entries) if (e.isDirectory()) visit(path.join(d, e.name));
  };
  visit(dir);
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/**
 * List a directory dataset (Keras `flow_from_directory` layout and order).
 * @param root `<root>` with `<PROJECTION>/<split>/<class>/` below it, or a folder with class
 *   folders directly (`<dir>/<A|B|C|D>/`), or anything in between (`<root>/<split>/<class>`).
 * @param options Projection and split to descend into; class names.
 * @returns The listing: items in order, skipped files, warnings.
 * @throws InputError naming the path when the root is missing, a projection/split is ambiguous or
 *   absent, a folder is not a class name, or no image is found at all.
 */
export function readImageDataset(
  root: string,
  options: ReadImageDatasetOptions = {},
): ImageDataset {
  const classNames = [...(options.classNames ?? CLASS_NAMES)];
  const absRoot = path.resolve(root);
  if (!fs.existsSync(absRoot)) throw new InputError(`${root}: dataset folder does not exist`);
  if (!fs.statSync(absRoot).isDirectory()) {
    throw new InputError(`${root}: expected a dataset folder, got a file`);
  }
  const { dir, projection, split } = locateClassFolders(root, absRoot, options, classNames);
  checkClassFolders(dir, classNames);
  const listing: DatasetListing = { items: [], skipped: [], warnings: [], disagreements: [] };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      listing.skipped.push({
        path: path.join(dir, entry.name),
        reason: 'not inside a class folder',
      });
    }
  }
  classNames.forEach((className, label) => {
    listClassFolder(listing, { absRoot, dir, classNames, className, label, projection, split });
  });
  const { items, skipped, warnings, disagreements } = listing;
  if (disagreements.length > 0) {
    warnings.push(
      `${disagreements.length} file name(s) disagree with their folders (the folder wins), e.g. ${disagreements[0]}`,
    );
  }
  if (items.length === 0) {
    throw new InputError(
      `${dir}: no images found in the class folders${skipped.length ? ` (${skipped.length} file(s) skipped, e.g. ${skipped[0].path}: ${skipped[0].reason})` : ''}`,
    );
  }
  return { root: absRoot, dir, classNames, items, skipped, warnings, projection, split };
}

/**
 * The folder holding the class folders: descend into the projection and split folders (given,
 * or the only one there), then read projection and split from the path when not given.
 */
function locateClassFolders(
  root: string,
  absRoot: string,
  options: ReadImageDatasetOptions,
  classNames: string[],
): { dir: string; projection: Projection | null; split: string | null } {
  let dir = absRoot;
  const hasClasses = (d: string): boolean => subdirs(d).some((s) => classNames.includes(s));

  let projection: Projection | null = options.projection ?? null;
  if (options.projection) {
    if (fs.existsSync(path.join(dir, options.projection))) dir = path.join(dir, options.projection);
    else if (!absRoot.split(path.sep).includes(options.projection)) {
      throw new InputError(
        `${root}: no ${options.projection} folder (found: ${subdirs(dir).join(', ') || 'nothing'})`,
      );
    }
  } else if (!hasClasses(dir)) {
    const projs = subdirs(dir).filter(isProjection);
    if (projs.length === 1) {
      dir = path.join(dir, projs[0]);
    } else if (projs.length > 1) {
      throw new InputError(
        `${root}: holds several projections (${projs.join(', ')}); choose one (projection option / --projection)`,
      );
    }
  }
  let split: string | null = options.split ?? null;
  if (options.split) {
    if (fs.existsSync(path.join(dir, options.split))) dir = path.join(dir, options.split);
    else if (path.basename(dir) !== options.split) {
      throw new InputError(
        `${path.relative(process.cwd(), dir) || dir}: no '${options.split}' split folder (found: ${subdirs(dir).join(', ') || 'nothing'})`,
      );
    }
  } else if (!hasClasses(dir)) {
    const subs = subdirs(dir);
    const splits = subs.filter((s) => SPLIT_NAMES.includes(s));
    if (subs.length === 1) dir = path.join(dir, subs[0]);
    else if (splits.length > 0) {
      throw new InputError(
        `${dir}: holds several splits (${splits.join(', ')}); choose one (split option / --split)`,
      );
    }
  }
  // Infer projection and split from the path when not given.
  const parts = dir.split(path.sep);
  if (!projection) projection = parts.filter(isProjection).pop() ?? null;
  if (!split) {
    const last = parts[parts.length - 1];
    split = SPLIT_NAMES.includes(last) ? last : null;
  }
  return { dir, projection, split };
}

/** Refuse a folder without class folders, or with a folder that is not a class. */
function checkClassFolders(dir: string, classNames: string[]): void {
  const folders = subdirs(dir);
  const unknown = folders.filter((f) => !classNames.includes(f));
  if (!folders.some((f) => classNames.includes(f))) {
    throw new InputError(
      `${dir}: no class folders (${classNames.join(', ')}) found${folders.length ? ` (found: ${folders.join(', ')})` : ''}; expected <root>/<PROJECTION>/<split>/<class>/*.png or <dir>/<class>/*.png`,
    );
  }
  if (unknown.length > 0) {
    throw new InputError(
      `${path.join(dir, unknown[0])}: unknown class folder '${unknown[0]}' (expected ${classNames.join(', ')}; projections are ${PROJECTIONS.join(', ')})`,
    );
  }
}

/** Items, skipped files, warnings and name/folder disagreements collected while listing. */
interface DatasetListing {
  items: DatasetItem[];
  skipped: SkippedFile[];
  warnings: string[];
  disagreements: string[];
}

/** One class folder of a listing and the layout facts of its images. */
interface ClassFolder {
  absRoot: string;
  dir: string;
  classNames: string[];
  className: string;
  label: number;
  projection: Projection | null;
  split: string | null;
}

/** List one class folder (walked as Keras does) into `listing`. */
function listClassFolder(listing: DatasetListing, c: ClassFolder): void {
  const { items, skipped, warnings, disagreements } = listing;
  const { absRoot, dir, classNames, className, label, projection, split } = c;
  const cdir = path.join(dir, className);
  if (!fs.existsSync(cdir)) {
    warnings.push(`${cdir}: class folder missing (0 images of class ${className})`);
    return;
  }
  let count = 0;
  for (const { dir: d, files } of walkSorted(cdir)) {
    for (const name of files) {
      const file = path.join(d, name);
      let reason: string | null = null;
      if (name.includes(TMP_INFIX)) reason = 'temporary file of an interrupted write';
      else if (name.startsWith('.')) reason = 'hidden file';
      else if (!hasImageExtension(name)) reason = 'not an image extension';
      else reason = sniff(file);
      if (reason) {
        skipped.push({ path: file, reason });
        continue;
      }
      const relPath = path.relative(absRoot, file);
      const ref = parseImagePath(file, {
        name: relPath,
        classNames,
        folder: { className, projection },
        warn: (line) => disagreements.push(line),
      });
      items.push({ ...ref, relPath, label, className, split });
      count++;
    }
  }
  if (count === 0) warnings.push(`${cdir}: class folder has no images`);
}

/**
 * One-paragraph description of a dataset for logs: counts per class, skipped files, warnings.
 * @returns Lines joined with newlines.
 */
export function describeDataset(ds: ImageDataset): string {
  const counts = ds.classNames.map(
    (c, i) => `${c} ${ds.items.filter((it) => it.label === i).length}`,
  );
  const lines = [
    `${ds.dir}: ${ds.items.length} images (${counts.join(', ')})${ds.projection ? ` projection ${ds.projection}` : ''}${ds.split ? ` split ${ds.split}` : ''}`,
  ];
  if (ds.skipped.length) {
    lines.push(`skipped ${ds.skipped.length} file(s):`);
    for (const s of ds.skipped.slice(0, 20)) lines.push(`  ${s.path}: ${s.reason}`);
    if (ds.skipped.length > 20) lines.push(`  … and ${ds.skipped.length - 20} more`);
  }
  for (const w of ds.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
