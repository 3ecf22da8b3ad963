/**
 * A folder of prediction files as the original scripts leave it (`Prediction/`):
 * `predictions_ccr.txt`, `predictions_mlor.txt`, `predictions_ccl.txt`, `predictions_mlol.txt`
 * (any subset), row i of every file the same subject, and the true classes from, in this order:
 * explicit class counts, an explicit labels file, `labels.txt` in the folder, or the `true_class`
 * column of the CSVs that `breast-density predict` writes beside the files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { labelsFromCounts } from '../metrics/checkLabels';
import { PROJECTIONS, type Projection } from '../model/constants';
import { type LabelRows, readLabelsFile, readLabelsFromCsv } from './labelsFile';
import { type PredictionRows, checkSameRowCount, readPredictionFile } from './predictionFile';

/** File-name stems of the original prediction files. */
export const PREDICTION_FILE_STEMS: Readonly<Record<Projection, string>> = {
  CC_R: 'ccr',
  MLO_R: 'mlor',
  CC_L: 'ccl',
  MLO_L: 'mlol',
};

/** `predictions_ccr.txt` for CC_R, and so on (the original names). */
export function predictionFileName(projection: Projection): string {
  return `predictions_${PREDICTION_FILE_STEMS[projection]}.txt`;
}

/** A loaded prediction folder. */
export interface PredictionFolder {
  /** The folder (absolute). */
  dir: string;
  /** Probability file of each view found. */
  files: Partial<Record<Projection, string>>;
  /** n × 4 probabilities of each view found. */
  views: Partial<Record<Projection, number[][]>>;
  /** True class index (0–3) of each row. */
  yTrue: number[];
  /** Where the true classes came from (a path, or `counts 14,51,50,13`). */
  labelsFrom: string;
}

/** Options of {@link loadPredictionFolder}. */
export interface LoadPredictionFolderOptions {
  /** True-class counts in row order (the original notebook's 14, 51, 50, 13). */
  counts?: number[];
  /** A labels file (one class letter per line). */
  labels?: string;
}

/**
 * Read every prediction file of a folder and the true classes.
 * @param dir Folder with `predictions_<view>.txt` files.
 * @param options Counts or labels file overriding the folder's own labels.
 * @throws InputError when no file is there, files are malformed or differ in rows, or no labels
 *   are found or they do not match the rows (messages name the files).
 */
export function loadPredictionFolder(
  dir: string,
  options: LoadPredictionFolderOptions = {},
): PredictionFolder {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs)) throw new InputError(`${dir}: prediction folder does not exist`);
  const files: Partial<Record<Projection, string>> = {};
  const parsed: PredictionRows[] = [];
  const views: Partial<Record<Projection, number[][]>> = {};
  for (const p of PROJECTIONS) {
    const f = path.join(abs, predictionFileName(p));
    if (!fs.existsSync(f)) continue;
    const r = readPredictionFile(f);
    files[p] = f;
    views[p] = r.rows;
    parsed.push(r);
  }
  if (parsed.length === 0) {
    throw new InputError(
      `${dir}: no prediction files (expected ${PROJECTIONS.map(predictionFileName).join(', ')})`,
    );
  }
  checkSameRowCount(parsed);
  const rows = parsed[0].rows.length;
  let labels: LabelRows;
  let labelsFrom: string;
  if (options.counts) {
    const y = labelsFromCounts(options.counts);
    if (y.length !== rows) {
      throw new InputError(
        `${parsed[0].file}: has ${rows} rows but the counts ${options.counts.join(',')} add up to ${y.length}`,
      );
    }
    return { dir: abs, files, views, yTrue: y, labelsFrom: `counts ${options.counts.join(',')}` };
  }
  const own = path.join(abs, 'labels.txt');
  const csvs = Object.values(files)
    .map((f) => f!.replace(/\.txt$/, '.csv'))
    .filter((f) => fs.existsSync(f));
  if (options.labels || fs.existsSync(own)) {
    labelsFrom = options.labels ?? own;
    labels = readLabelsFile(labelsFrom);
  } else if (csvs.length > 0) {
    labelsFrom = csvs[0];
    labels = readLabelsFromCsv(csvs[0]);
    for (const other of csvs.slice(1)) {
      const o = readLabelsFromCsv(other);
      const k = o.labels.findIndex((v, i) => v !== labels.labels[i]);
      if (o.labels.length !== labels.labels.length || k >= 0) {
        throw new InputError(
          `${other}: true classes differ from ${csvs[0]}${k >= 0 ? ` at row ${k + 1}` : ''} (row i of every view must be the same subject)`,
        );
      }
    }
  } else {
    throw new InputError(
      `${dir}: no true classes: add labels.txt (one class A-D per line) or the CSVs written by predict, or pass counts`,
    );
  }
  if (labels.labels.length !== rows) {
    throw new InputError(
      `${labels.file}: has ${labels.labels.length} labels but ${parsed[0].file} has ${rows} rows`,
    );
  }
  return { dir: abs, files, views, yTrue: labels.labels, labelsFrom };
}
