/**
 * True-class labels for `breast-density metrics`, row by row in the order of the probability
 * files. Two formats:
 *
 * 1. **Labels file** (plain text): one class per line, `A`, `B`, `C` or `D` (case-insensitive;
 *    `0`–`3` also accepted), surrounding spaces ignored; blank lines and lines starting with `#`
 *    are skipped. Line k (not counting skipped lines) is the class of row k of every view.
 * 2. **Prediction CSV** written by `breast-density predict`: its `true_class` column.
 *
 * Or, without a file, class counts in row order (`labelsFromCounts`).
 */
import { InputError } from '../errors';
import { CLASS_NAMES } from '../model/constants';
import { readPredictionCsv } from './predictionCsv';
import { numberedLines, readTextInput } from './readTextInput';

/** Labels with the line each came from. */
export interface LabelRows {
  /** File name used in messages. */
  file: string;
  /** Class indices 0–3 (A–D). */
  labels: number[];
  /** 1-based line of each label. */
  lines: number[];
}

/**
 * Parse the text of a labels file (format 1 above).
 * @throws InputError `<file>:<line>: expected one of A B C D, got "…"` or `<file>: no labels`.
 */
export function parseLabelsFile(text: string, file: string): LabelRows {
  const labels: number[] = [];
  const lines: number[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    const up = t.toUpperCase();
    let k = (CLASS_NAMES as readonly string[]).indexOf(up);
    if (k < 0 && /^[0-3]$/.test(t)) k = Number(t);
    if (k < 0) {
      throw new InputError(
        `${file}:${line}: expected one class per line (A, B, C or D), got "${t.slice(0, 40)}"`,
      );
    }
    labels.push(k);
    lines.push(line);
  }
  if (labels.length === 0)
    throw new InputError(`${file}: no labels (expected one class A-D per line)`);
  return { file, labels, lines };
}

/**
 * Read a labels file (format 1).
 * @throws InputError naming the file and line.
 */
export function readLabelsFile(file: string): LabelRows {
  return parseLabelsFile(readTextInput(file, 'labels file'), file);
}

/**
 * True classes from a prediction CSV (format 2).
 * @throws InputError when a row has no true class (images predicted one by one).
 */
export function readLabelsFromCsv(file: string): LabelRows {
  const records = readPredictionCsv(file);
  if (records.length === 0) throw new InputError(`${file}: no rows after the header`);
  return {
    file,
    labels: records.map((r) => {
      if (r.trueClass === null) {
        throw new InputError(
          `${file}:${r.line}: ${r.file} has no true_class; predict a class-folder dataset, or give --labels or --counts`,
        );
      }
      return CLASS_NAMES.indexOf(r.trueClass);
    }),
    lines: records.map((r) => r.line ?? 0),
  };
}
