/**
 * File names and places of preprocessed mammograms, as in the original data set:
 * `<patient>_<n>_<class>_<CC|MLO>_<L|R>.png` (class omitted when unknown) under
 * `<out>/<VIEW>_<SIDE>/[<split>/][<class>/]` — the `flow_from_directory` layout the readers use.
 */
import * as path from 'path';
import type { MammoLaterality, MammoView } from './preprocessMammogram';

/** Density classes (BI-RADS a–d). */
export type DensityClass = 'A' | 'B' | 'C' | 'D';

/** The parts of a mammogram file name. */
export interface MammogramName {
  /** Patient (subject) identifier; `_` and unsafe characters are replaced by `-`. */
  patient: string;
  /** Image number for this patient and projection, from 1. */
  n: number;
  /** Density class, or null when unknown. */
  cls: DensityClass | null;
  /** View. */
  view: MammoView;
  /** Side. */
  laterality: MammoLaterality;
}

/**
 * Map a DICOM ViewPosition (0018,5101) to the classifier's views.
 * @param viewPosition e.g. `CC`, `XCCL`, `MLO`, `ML`.
 * @returns `CC` for CC and exaggerated CC (XCC, XCCL, XCCM), `MLO` for MLO, null otherwise
 *   (ML, LM, LMO, SIO… have no network in the original use case).
 */
export function normaliseView(viewPosition: string | null | undefined): MammoView | null {
  const v = (viewPosition ?? '').trim().toUpperCase();
  if (v === 'CC' || v === 'XCC' || v === 'XCCL' || v === 'XCCM' || v === 'RCC' || v === 'LCC')
    return 'CC';
  if (v === 'MLO' || v === 'RMLO' || v === 'LMLO') return 'MLO';
  return null;
}

/**
 * Map a laterality string to L/R.
 * @param laterality `L`, `R`, `LEFT`, `RIGHT` (any case), else null (`B` both, empty…).
 */
export function normaliseLaterality(laterality: string | null | undefined): MammoLaterality | null {
  const v = (laterality ?? '').trim().toUpperCase();
  if (v === 'L' || v === 'LEFT') return 'L';
  if (v === 'R' || v === 'RIGHT') return 'R';
  return null;
}

/** Replace characters that would break the name pattern (`_`, path separators, spaces…) by `-`. */
export function sanitisePatientId(id: string): string {
  const s = id
    .trim()
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return s === '' ? 'unknown' : s;
}

/**
 * Format `<patient>_<n>_<class>_<view>_<side>.png` (without `_<class>` when unknown).
 * @param m Name parts.
 */
export function formatMammogramName(m: MammogramName): string {
  return `${sanitisePatientId(m.patient)}_${m.n}_${m.cls ? `${m.cls}_` : ''}${m.view}_${m.laterality}.png`;
}

/**
 * Read what a file name (and its parent folders) says about a mammogram: the full pattern
 * `<patient>_<n>[_<class>]_<CC|MLO>_<L|R>`, else view and side tokens anywhere in the name
 * (`CC`, `MLO`; `L`, `R`, `LEFT`, `RIGHT`, or `LCC`, `RMLO`), and a class from the parent folder
 * when it is named A, B, C or D (upper case).
 * @param filePath Path of the input file.
 * @returns The parts found (each may be missing).
 */
export function parseMammogramName(filePath: string): Partial<MammogramName> {
  const base = path.basename(filePath).replace(/\.(png|dcm|dicom|ima)$/i, '');
  const out: Partial<MammogramName> = {};
  const full = /^(.+?)_(\d+)_(?:([ABCD])_)?(CC|MLO)_(L|R)$/i.exec(base);
  if (full) {
    out.patient = full[1];
    out.n = Number(full[2]);
    if (full[3]) out.cls = full[3].toUpperCase() as DensityClass;
    out.view = full[4].toUpperCase() as MammoView;
    out.laterality = full[5].toUpperCase() as MammoLaterality;
  } else {
    const tokens = base
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter(Boolean);
    for (const t of tokens) {
      const m = /^(L|R)?(CC|MLO)(L|R)?$/.exec(t);
      if (m) {
        out.view = m[2] as MammoView;
        const side = m[1] ?? m[3];
        if (side) out.laterality = side as MammoLaterality;
      } else if (!out.laterality && (t === 'L' || t === 'R' || t === 'LEFT' || t === 'RIGHT')) {
        out.laterality = t[0] as MammoLaterality;
      }
    }
  }
  if (!out.cls) {
    // Only the parent folder, and only an upper-case letter, as in `<root>/<A|B|C|D>/<file>`.
    const parent = path.basename(path.dirname(filePath));
    const c = /^[ABCD]$/.test(parent) ? parent : undefined;
    if (c) out.cls = c.toUpperCase() as DensityClass;
  }
  return out;
}

/**
 * Where a preprocessed image goes: `<outDir>/<VIEW>_<SIDE>/[<split>/][<class>/]<name>`.
 * @param outDir Output root.
 * @param m Name parts.
 * @param split Optional split folder (`train`, `val`, `test`).
 * @returns The output path.
 */
export function mammogramOutputPath(
  outDir: string,
  m: MammogramName,
  split?: string | null,
): string {
  return path.join(
    outDir,
    `${m.view}_${m.laterality}`,
    ...(split ? [split] : []),
    ...(m.cls ? [m.cls] : []),
    formatMammogramName(m),
  );
}
