/**
 * Pure builders of Jupyter MIME bundles for images, HTML and tables (testable without a kernel),
 * and the display functions that send them (no-ops outside a tslab kernel).
 */
import { InputError } from '../errors';
import { escapeHtml } from '../figure/escapeHtml';
import { isPng } from '../io/png';
import { type MimeBundle, sendDisplay } from './kernel';

/**
 * MIME bundle of a PNG image: `image/png` (base64) and a `text/plain` description.
 * @param png PNG file bytes.
 * @param alt Text shown by front ends without images.
 * @throws InputError when the bytes are not a PNG.
 */
export function pngBundle(png: Uint8Array, alt = 'PNG image'): MimeBundle {
  if (!isPng(png))
    throw new InputError(
      `displayPng: expected PNG bytes (signature 89 50 4E 47), got ${png.length} bytes that are not a PNG`,
    );
  return {
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `<${alt}, ${png.length} bytes>`,
  };
}

/**
 * Show a PNG inline in the notebook (no-op outside a tslab kernel). Returns nothing, so that a
 * call as the last line of a cell prints nothing.
 * @throws InputError when the bytes are not a PNG (also outside a kernel).
 */
export function displayPng(png: Uint8Array, alt?: string): void {
  const bundle = pngBundle(png, alt);
  sendDisplay(bundle);
}

/** MIME bundle of an HTML fragment (plus `text/plain` with the tags removed). */
export function htmlBundle(html: string): MimeBundle {
  return { 'text/html': html, 'text/plain': html.replace(/<[^>]*>/g, '').trim() || '<HTML>' };
}

/** Show HTML inline in the notebook (no-op outside a tslab kernel). */
export function displayHtml(html: string): void {
  sendDisplay(htmlBundle(html));
}

/** A table cell value. */
export type TableValue = string | number | boolean | null | undefined;

/** A table: rows of objects (columns = keys of the first rows) or explicit columns and row arrays. */
export type TableInput =
  Array<Record<string, TableValue>> | { columns: string[]; rows: TableValue[][]; caption?: string };

/** Options of {@link tableBundle}. */
export interface TableOptions {
  /** Caption above the table. */
  caption?: string;
  /** Significant digits of non-integer numbers (default 4; trailing zeros dropped). */
  digits?: number;
  /**
   * Fixed decimals of every non-integer number instead (e.g. 3: `0.870`, `0.900`, `0.858`), so a
   * column of scores reads with the same digit count. Wins over `digits`.
   */
  decimals?: number;
}

/** How numbers are written: significant digits, or fixed decimals when set. */
type NumberFormat = number | { decimals: number };

function formatCell(v: TableValue, format: NumberFormat): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  return typeof format === 'number'
    ? String(Number(v.toPrecision(format)))
    : v.toFixed(format.decimals);
}

/**
 * Columns and string cells of a table input.
 * @param digits Significant digits of non-integer numbers, or `{decimals}` for fixed decimals.
 */
export function normalizeTable(
  table: TableInput,
  digits: NumberFormat = 4,
): { columns: string[]; rows: string[][]; caption?: string } {
  if (Array.isArray(table)) {
    const columns: string[] = [];
    for (const row of table)
      for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    return { columns, rows: table.map((r) => columns.map((c) => formatCell(r[c], digits))) };
  }
  if (!table || !Array.isArray(table.columns) || !Array.isArray(table.rows))
    throw new InputError(
      `displayTable: expected an array of row objects or {columns, rows}, got ${typeof table}`,
    );
  table.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== table.columns.length)
      throw new InputError(
        `displayTable: row ${i} has ${Array.isArray(r) ? r.length : 'no'} cells, expected ${table.columns.length} (one per column)`,
      );
  });
  return {
    columns: table.columns,
    rows: table.rows.map((r) => r.map((v) => formatCell(v, digits))),
    caption: table.caption,
  };
}

/**
 * MIME bundle of a table: `text/html` (a `<table>`, numbers right-aligned) and `text/plain`
 * (aligned columns, for consoles and plain front ends).
 * @param table Rows of objects, or `{columns, rows}`.
 */
export function tableBundle(table: TableInput, options: TableOptions = {}): MimeBundle {
  const t = normalizeTable(
    table,
    options.decimals !== undefined ? { decimals: options.decimals } : (options.digits ?? 4),
  );
  const caption = options.caption ?? t.caption;
  const numeric = t.columns.map(
    (_, j) =>
      t.rows.length > 0 &&
      t.rows.every((r) => r[j] === '' || /^-?[\d.]+(e[-+]?\d+)?%?$/i.test(r[j])),
  );
  const align = (j: number): string =>
    numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"';
  const html =
    `<table class="breast-density-table">` +
    (caption ? `<caption>${escapeHtml(caption)}</caption>` : '') +
    `<thead><tr>${t.columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join('')}</tr></thead>` +
    `<tbody>${t.rows.map((r) => `<tr>${r.map((v, j) => `<td${align(j)}>${escapeHtml(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const widths = t.columns.map((c, j) => Math.max(c.length, ...t.rows.map((r) => r[j].length)));
  const line = (cells: string[]): string =>
    cells
      .map((v, j) => (numeric[j] ? v.padStart(widths[j]) : v.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const text = [
    ...(caption ? [caption] : []),
    line(t.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...t.rows.map(line),
  ].join('\n');
  return { 'text/html': html, 'text/plain': text };
}

/**
 * Show a table (HTML + plain text) in the notebook. No-op outside a tslab kernel (a CLI's stdout
 * is never written to; use {@link tableBundle}'s `text/plain` there).
 * @throws InputError for rows that do not match the columns (also outside a kernel).
 */
export function displayTable(table: TableInput, options?: TableOptions): void {
  sendDisplay(tableBundle(table, options));
}
