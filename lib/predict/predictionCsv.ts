/**
 * The CSV that `breast-density predict` writes beside the probability file: one row per image,
 * in the same order, with a header line:
 *
 * `file,subject,projection,true_class,prob_A,prob_B,prob_C,prob_D,predicted_class`
 *
 * `file` is the path relative to the dataset root (or the path given), `subject` and `projection`
 * come from the original file names `<subject>_<n>_<class>_<projection>.png` (empty when the name
 * does not follow it), `true_class` is the class folder (empty for images given one by one).
 * Fields are quoted as RFC 4180 says (commas, quotes or line breaks inside a field).
 */
import { InputError } from '../errors';
import { CLASS_NAMES, type ClassName, isClassName } from '../model/constants';
import { readTextInput } from './readTextInput';

/** Column names of the prediction CSV, in order. */
export const PREDICTION_CSV_COLUMNS = [
  'file',
  'subject',
  'projection',
  'true_class',
  ...CLASS_NAMES.map((c) => `prob_${c}`),
  'predicted_class',
] as const;

/** One row of the prediction CSV. */
export interface PredictionRecord {
  /** Image path (relative to the dataset root when predicting a dataset). */
  file: string;
  /** Subject id from the file name, or '' when unknown. */
  subject: string;
  /** Projection from the layout or file name, or '' when unknown. */
  projection: string;
  /** True class from the class folder, or null when unknown. */
  trueClass: ClassName | null;
  /** Class probabilities A B C D. */
  probabilities: number[];
  /** Argmax class. */
  predictedClass: ClassName;
  /** 1-based line of the record in the CSV it was read from (set by the parser). */
  line?: number;
}

/** Quote a CSV field when needed (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Parse RFC 4180 CSV text into records of fields.
 * @returns Each record with the 1-based line where it starts; blank lines skipped.
 * @throws InputError for an unterminated quoted field.
 */
export function parseCsv(text: string, file: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRecord = (): void => {
    fields.push(field);
    if (any || fields.length > 1 || fields[0] !== '') out.push({ line: start, fields });
    fields = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (quoted) throw new InputError(`${file}:${start}: unterminated quoted field`);
  if (field !== '' || fields.length > 0 || any) endRecord();
  return out;
}

/**
 * Format records as the prediction CSV (header + one line per record, `\n` line ends).
 * Probabilities are written with full precision (shortest round-trip decimal).
 */
export function formatPredictionCsv(records: ReadonlyArray<PredictionRecord>): string {
  const lines = [PREDICTION_CSV_COLUMNS.join(',')];
  for (const r of records) {
    lines.push(
      [
        r.file,
        r.subject,
        r.projection,
        r.trueClass ?? '',
        ...r.probabilities.map((p) => String(p)),
        r.predictedClass,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parse a prediction CSV written by `predict`.
 * @throws InputError `<file>:<line>: …` for a missing column, a bad class or a bad number.
 */
export function parsePredictionCsv(text: string, file: string): PredictionRecord[] {
  const records = parseCsv(text, file);
  if (records.length === 0) throw new InputError(`${file}: empty CSV (expected a header line)`);
  const header = records[0].fields.map((h) => h.trim());
  const col = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) {
      throw new InputError(
        `${file}:${records[0].line}: missing column "${name}" (expected the header ${PREDICTION_CSV_COLUMNS.join(',')})`,
      );
    }
    return k;
  };
  const idx = {
    file: col('file'),
    subject: col('subject'),
    projection: col('projection'),
    trueClass: col('true_class'),
    probs: CLASS_NAMES.map((c) => col(`prob_${c}`)),
    predicted: col('predicted_class'),
  };
  return records.slice(1).map(({ line, fields }) => {
    const where = `${file}:${line}`;
    if (fields.length !== header.length) {
      throw new InputError(
        `${where}: expected ${header.length} fields like the header, got ${fields.length}`,
      );
    }
    const t = fields[idx.trueClass].trim().toUpperCase();
    if (t !== '' && !isClassName(t)) {
      throw new InputError(
        `${where}: true_class: expected A, B, C, D or empty, got "${fields[idx.trueClass]}"`,
      );
    }
    const p = fields[idx.predicted].trim().toUpperCase();
    if (!isClassName(p)) {
      throw new InputError(
        `${where}: predicted_class: expected A, B, C or D, got "${fields[idx.predicted]}"`,
      );
    }
    const probabilities = idx.probs.map((k, j) => {
      const v = Number(fields[k]);
      if (fields[k].trim() === '' || !Number.isFinite(v) || v < 0 || v > 1.001) {
        throw new InputError(
          `${where}: prob_${CLASS_NAMES[j]}: expected a probability in [0, 1], got "${fields[k]}"`,
        );
      }
      return v;
    });
    return {
      file: fields[idx.file],
      subject: fields[idx.subject],
      projection: fields[idx.projection],
      trueClass: t === '' ? null : (t as ClassName),
      probabilities,
      predictedClass: p as ClassName,
      line,
    };
  });
}

/**
 * Read a prediction CSV.
 * @throws InputError naming the file and line.
 */
export function readPredictionCsv(file: string): PredictionRecord[] {
  return parsePredictionCsv(readTextInput(file, 'prediction CSV'), file);
}
