/**
 * Probability files in the format of the original `Prediction_ResNet.py`:
 * `numpy.savetxt(file, probs)` with its defaults, i.e. one row per image, the four class
 * probabilities A B C D formatted `%.18e`, separated by one space, `\n` line ends:
 *
 * ```
 * 3.837991058826446533e-01 6.039044857025146484e-01 1.224025059491395950e-02 5.616802809527143836e-05
 * ```
 *
 * Reading accepts what `numpy.loadtxt` accepts for such a file (any float notation, any run of
 * spaces or tabs, `#` comments, blank lines) and refuses, naming the file and line, anything that
 * is not a probability row: wrong column count, text, NaN or infinity, negative values, values
 * above 1, rows that do not sum to 1 within {@link ROW_SUM_TOLERANCE}.
 */
import * as path from 'path';
import { InputError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { CLASS_NAMES } from '../model/constants';
import { formatNumpyExponent } from '../io/formatNumpyExponent';
import { numberedLines, readTextInput } from './readTextInput';

/** Largest accepted |row sum − 1| (softmax in float32 is within 1e-6; 4-decimal files ~2e-4). */
export const ROW_SUM_TOLERANCE = 1e-3;

/** Probabilities read from a file, with the line each row came from. */
export interface PredictionRows {
  /** The file name used in messages. */
  file: string;
  /** n rows of 4 probabilities (A B C D), each in [0, 1], row sums ≈ 1. */
  rows: number[][];
  /** 1-based line number of each row in the file. */
  lines: number[];
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAN_RE = /^[+-]?nan$/i;
const INF_RE = /^[+-]?inf(inity)?$/i;

/**
 * Format probability rows as numpy `savetxt(fmt='%.18e')` does.
 * @param rows n rows of k finite numbers.
 * @returns Text with one `\n`-terminated line per row.
 */
export function formatPredictionFile(rows: ReadonlyArray<ArrayLike<number>>): string {
  return rows.map((r) => `${Array.from(r, (v) => formatNumpyExponent(v)).join(' ')}\n`).join('');
}

/**
 * Parse and check the text of a probability file.
 * @param text File content.
 * @param file Name used in messages.
 * @param options `columns` (default 4) and `sumTolerance` (default {@link ROW_SUM_TOLERANCE}).
 * @throws InputError `<file>:<line>: <problem>`, or `<file>: no rows` for an empty file.
 */
export function parsePredictionFile(
  text: string,
  file: string,
  options: { columns?: number; sumTolerance?: number } = {},
): PredictionRows {
  const columns = options.columns ?? CLASS_NAMES.length;
  const tol = options.sumTolerance ?? ROW_SUM_TOLERANCE;
  const colName = (j: number): string =>
    j < CLASS_NAMES.length ? `column ${j + 1} (${CLASS_NAMES[j]})` : `column ${j + 1}`;
  const rows: number[][] = [];
  const lines: number[] = [];
  for (const { line, text: raw } of numberedLines(text)) {
    const hash = raw.indexOf('#');
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === '') continue;
    const where = `${file}:${line}`;
    const fields = content.split(/[ \t]+/);
    if (fields.length !== columns) {
      const hint = content.includes(',')
        ? ' (values must be separated by spaces, as numpy savetxt writes them)'
        : '';
      throw new InputError(
        `${where}: expected ${columns} columns (${CLASS_NAMES.slice(0, columns).join(' ')}), got ${fields.length}${hint}`,
      );
    }
    const row = fields.map((f, j) => {
      if (NAN_RE.test(f)) throw new InputError(`${where}: ${colName(j)} is NaN`);
      if (INF_RE.test(f)) throw new InputError(`${where}: ${colName(j)} is infinite ("${f}")`);
      if (!FLOAT_RE.test(f)) {
        throw new InputError(`${where}: ${colName(j)}: expected a number, got "${f.slice(0, 40)}"`);
      }
      const v = Number(f);
      if (!Number.isFinite(v))
        throw new InputError(`${where}: ${colName(j)} is out of range ("${f}")`);
      if (v < 0)
        throw new InputError(
          `${where}: ${colName(j)} is negative (${f}); expected a probability in [0, 1]`,
        );
      if (v > 1 + tol)
        throw new InputError(`${where}: ${colName(j)} is ${f}; expected a probability in [0, 1]`);
      return v;
    });
    const sum = row.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > tol) {
      throw new InputError(
        `${where}: row sums to ${Number(sum.toPrecision(6))}, expected 1 within ${tol} (class probabilities, e.g. softmax outputs)`,
      );
    }
    rows.push(row);
    lines.push(line);
  }
  if (rows.length === 0)
    throw new InputError(`${file}: no rows (expected ${columns} probabilities per line)`);
  return { file, rows, lines };
}

/**
 * Read and check a probability file.
 * @param file Path.
 * @throws InputError naming the file (and line) for a missing or malformed file.
 */
export function readPredictionFile(
  file: string,
  options: { columns?: number; sumTolerance?: number } = {},
): PredictionRows {
  return parsePredictionFile(readTextInput(file, 'prediction file'), file, options);
}

/**
 * Write probabilities in the original format, atomically (no half-written file on a crash).
 * @param file Destination path (its folder must exist and be writable).
 * @param rows n rows of 4 probabilities.
 */
export function writePredictionFile(file: string, rows: ReadonlyArray<ArrayLike<number>>): void {
  rows.forEach((r, i) => {
    for (let j = 0; j < r.length; j++) {
      if (!Number.isFinite(r[j])) {
        throw new RangeError(`prediction row ${i}: expected finite probabilities, got ${r[j]}`);
      }
    }
  });
  writeFileAtomic(path.resolve(file), formatPredictionFile(rows));
}

/**
 * Check that several views have the same number of rows (row i of every view is one subject).
 * @param views Parsed files.
 * @throws InputError naming the longer file and the line of its first row without counterpart.
 */
export function checkSameRowCount(views: ReadonlyArray<PredictionRows>): void {
  if (views.length < 2) return;
  const shortest = views.reduce((a, b) => (b.rows.length < a.rows.length ? b : a));
  for (const v of views) {
    if (v.rows.length !== shortest.rows.length) {
      throw new InputError(
        `${v.file}:${v.lines[shortest.rows.length]}: row ${shortest.rows.length + 1} has no counterpart: ${shortest.file} has ${shortest.rows.length} rows and ${v.file} has ${v.rows.length} (row i of every view must be the same subject)`,
      );
    }
  }
}
