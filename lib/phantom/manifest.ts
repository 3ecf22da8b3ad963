/**
 * `manifest.csv` of a phantom dataset: one row per image,
 * `image,mask,projection,split,class,subject,dense_fraction,seed`, paths relative to the dataset
 * root with `/` separators; and {@link findPhantomMask} to locate the mask of an image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { isClassName, isProjection, type ClassName, type Projection } from '../model/constants';

/** Header line of `manifest.csv`. */
export const MANIFEST_HEADER = 'image,mask,projection,split,class,subject,dense_fraction,seed';

/** One manifest row. */
export interface ManifestRow {
  /** Image path relative to the root (`CC_L/train/A/ph0001_1_A_CC_L.png`). */
  image: string;
  /** Mask path relative to the root (`masks/CC_L/train/A/ph0001_1_A_CC_L_mask.png`). */
  mask: string;
  /** Projection. */
  projection: Projection;
  /** Split (`train`, `val`, `test`). */
  split: string;
  /** Class A–D. */
  className: ClassName;
  /** Subject id. */
  subject: string;
  /** Dense fraction of the mask (dense / breast without pectoral), 6 decimals. */
  denseFraction: number;
  /** Texture seed of the image (regenerates it with the record's other fields). */
  seed: number;
}

/** Format rows as CSV text (header + one line per row, trailing newline). */
export function formatManifest(rows: ManifestRow[]): string {
  const lines = rows.map((r) =>
    [
      r.image,
      r.mask,
      r.projection,
      r.split,
      r.className,
      r.subject,
      r.denseFraction.toFixed(6),
      r.seed,
    ].join(','),
  );
  return `${MANIFEST_HEADER}\n${lines.join('\n')}\n`;
}

/**
 * Read `<root>/manifest.csv`.
 * @param root Dataset root (or the manifest file itself).
 * @returns Rows in file order.
 * @throws InputError naming the file and line for a missing file, wrong header or bad row.
 */
export function readManifest(root: string): ManifestRow[] {
  const file = root.endsWith('.csv') ? root : path.join(root, 'manifest.csv');
  if (!fs.existsSync(file)) throw new InputError(`${file}: manifest does not exist`);
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  if (lines[0] !== MANIFEST_HEADER) {
    throw new InputError(`${file}: expected header "${MANIFEST_HEADER}", got "${lines[0] ?? ''}"`);
  }
  return lines.slice(1).map((line, k) => {
    const f = line.split(',');
    const where = `${file}:${k + 2}`;
    if (f.length !== 8) throw new InputError(`${where}: expected 8 fields, got ${f.length}`);
    const [image, mask, projection, split, className, subject, fraction, seed] = f;
    const denseFraction = Number(fraction);
    if (!isProjection(projection))
      throw new InputError(`${where}: unknown projection "${projection}"`);
    if (!isClassName(className)) throw new InputError(`${where}: unknown class "${className}"`);
    if (!(denseFraction >= 0 && denseFraction <= 1)) {
      throw new InputError(`${where}: dense_fraction must be in [0, 1], got "${fraction}"`);
    }
    if (!/^\d+$/.test(seed))
      throw new InputError(`${where}: seed must be a whole number, got "${seed}"`);
    return {
      image,
      mask,
      projection,
      split,
      className,
      subject,
      denseFraction,
      seed: Number(seed),
    };
  });
}

/**
 * Locate the ground-truth mask of a phantom image: through the `manifest.csv` of an enclosing
 * folder (up to 5 levels up), else by the layout `<root>/<PROJ>/<split>/<class>/<stem>.png` →
 * `<root>/masks/<PROJ>/<split>/<class>/<stem>_mask.png`.
 * @param imagePath Path of a phantom image.
 * @returns Absolute mask path, or null when the image has no mask (e.g. a real mammogram).
 */
export function findPhantomMask(imagePath: string): string | null {
  const abs = path.resolve(imagePath);
  let dir = path.dirname(abs);
  for (let up = 0; up < 5; up++) {
    const manifest = path.join(dir, 'manifest.csv');
    if (fs.existsSync(manifest)) {
      const rel = path.relative(dir, abs).split(path.sep).join('/');
      let rows: ManifestRow[] = [];
      try {
        rows = readManifest(dir);
      } catch {
        rows = []; // a foreign or broken manifest: fall back to the layout rule below
      }
      const row = rows.find((r) => r.image === rel);
      if (row) {
        const m = path.join(dir, ...row.mask.split('/'));
        return fs.existsSync(m) ? m : null;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const parts = abs.split(path.sep);
  if (parts.length >= 5) {
    const [proj, split, cls, file] = parts.slice(-4);
    const root = parts.slice(0, -4).join(path.sep) || path.sep;
    const stem = file.replace(/\.[^.]+$/, '');
    const m = path.join(root, 'masks', proj, split, cls, `${stem}_mask.png`);
    if (fs.existsSync(m)) return m;
  }
  return null;
}
