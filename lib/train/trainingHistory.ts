/**
 * Per-epoch training history, written like the original's files: `acc_train.txt`, `acc_val.txt`,
 * `loss_train.txt`, `loss_val.txt` (one value a line, numpy `savetxt` `%.18e`), plus one CSV with
 * every column (`history.csv`). Every file is written atomically.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { InputError } from '../errors';
import { formatNumpyExponent } from '../io/formatNumpyExponent';

/**
 * Per-epoch values in Keras 2.2.4 `History.history` names (so `trainingCurvesFigure` takes it
 * as is). All arrays have one entry per completed epoch.
 */
export interface TrainHistory {
  /** Mean training categorical cross-entropy over the epoch's batches (training mode). */
  loss: number[];
  /** Training accuracy over the epoch, in [0, 1]. */
  acc: number[];
  /** Validation loss (inference mode, no augmentation). */
  val_loss: number[];
  /** Validation accuracy, in [0, 1]. */
  val_acc: number[];
  /** Learning rate used during the epoch. */
  lr: number[];
  /** Wall-clock seconds of the epoch (training and validation). */
  seconds: number[];
}

/** An empty history. */
export function emptyHistory(): TrainHistory {
  return { loss: [], acc: [], val_loss: [], val_acc: [], lr: [], seconds: [] };
}

/** File names of the original history files, keyed by series. */
export const HISTORY_FILES = {
  acc: 'acc_train.txt',
  val_acc: 'acc_val.txt',
  loss: 'loss_train.txt',
  val_loss: 'loss_val.txt',
} as const;

/** Name of the CSV with all series. */
export const HISTORY_CSV = 'history.csv';

/** Columns of {@link HISTORY_CSV}. */
export const HISTORY_CSV_COLUMNS = [
  'epoch',
  'loss',
  'acc',
  'val_loss',
  'val_acc',
  'lr',
  'seconds',
] as const;

/** Format a series as numpy `savetxt` does (`%.18e`, one value a line). */
export function formatHistorySeries(values: readonly number[]): string {
  return values.map((v) => `${formatNumpyExponent(v)}\n`).join('');
}

/** Format the whole history as CSV (header + one row per epoch, epochs from 1). */
export function formatHistoryCsv(h: TrainHistory): string {
  const rows = h.loss.map((_, i) =>
    [i + 1, h.loss[i], h.acc[i], h.val_loss[i], h.val_acc[i], h.lr[i], h.seconds[i]]
      .map((v) => String(v))
      .join(','),
  );
  return `${HISTORY_CSV_COLUMNS.join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}

/**
 * Write the four original history files and `history.csv` into `dir`, each atomically.
 * @param dir Output folder (created when missing).
 * @param h History; all series must have the same length.
 */
export function writeHistoryFiles(dir: string, h: TrainHistory): void {
  const n = h.loss.length;
  for (const key of Object.keys(h) as (keyof TrainHistory)[]) {
    if (h[key].length !== n) {
      throw new Error(`history series ${key} has ${h[key].length} values, expected ${n}`);
    }
  }
  for (const [key, file] of Object.entries(HISTORY_FILES) as [keyof TrainHistory, string][]) {
    writeFileAtomic(path.join(dir, file), formatHistorySeries(h[key]));
  }
  writeFileAtomic(path.join(dir, HISTORY_CSV), formatHistoryCsv(h));
}

/**
 * Read one original-format history file (one number a line).
 * @throws InputError naming the file and line of a value that is not a number.
 */
export function readHistorySeries(file: string): number[] {
  if (!fs.existsSync(file)) throw new InputError(`${file}: history file does not exist`);
  const out: number[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const t = line.trim();
      if (t === '') return;
      const v = Number(t === 'nan' ? NaN : t);
      if (t !== 'nan' && !Number.isFinite(v)) {
        throw new InputError(`${file}:${i + 1}: expected a number, got "${t.slice(0, 40)}"`);
      }
      out.push(v);
    });
  return out;
}

/**
 * Parse a `history.csv` written by {@link formatHistoryCsv}: the inverse, value for value
 * (`NaN` stays `NaN`).
 * @param text The file contents.
 * @param name File name for messages.
 * @throws InputError when the header is not {@link HISTORY_CSV_COLUMNS}, a row has another
 *   number of fields, an epoch is out of sequence, or a field is not a number.
 */
export function parseHistoryCsv(text: string, name: string): TrainHistory {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== HISTORY_CSV_COLUMNS.join(',')) {
    throw new InputError(
      `${name}: expected the header "${HISTORY_CSV_COLUMNS.join(',')}", got "${(lines[0] ?? '').slice(0, 80)}"`,
    );
  }
  const h = emptyHistory();
  lines.slice(1).forEach((line, i) => {
    const fields = line.split(',');
    const where = `${name}:${i + 2}`;
    if (fields.length !== HISTORY_CSV_COLUMNS.length) {
      throw new InputError(
        `${where}: expected ${HISTORY_CSV_COLUMNS.length} fields, got ${fields.length}`,
      );
    }
    const values = fields.map((f) => {
      const v = Number(f);
      if (f.trim() === '' || (Number.isNaN(v) && f.trim() !== 'NaN')) {
        throw new InputError(`${where}: expected a number, got "${f.slice(0, 40)}"`);
      }
      return v;
    });
    if (values[0] !== i + 1)
      throw new InputError(`${where}: expected epoch ${i + 1}, got ${fields[0]}`);
    HISTORY_CSV_COLUMNS.slice(1).forEach((col, k) =>
      h[col as keyof TrainHistory].push(values[k + 1]),
    );
  });
  return h;
}
