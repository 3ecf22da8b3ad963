import type { PlotlyDatum } from './figure';
import { plainText } from './plainText';

/** Format a number the way plotly's default hover/tick labels do (≤ 4 significant digits). */
function formatNumber(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** Apply a d3-style format spec subset: `.Nf`, `.N%`, `d`, `,` thousands; else plotly default. */
function formatWithSpec(v: number, spec: string | undefined): string {
  if (!spec) return formatNumber(v);
  const m = /^(,)?(?:\.(\d+))?([f%d])?$/.exec(spec);
  if (!m) return formatNumber(v);
  const digits = m[2] === undefined ? undefined : Number(m[2]);
  let s: string;
  if (m[3] === '%') s = `${(v * 100).toFixed(digits ?? 0)}%`;
  else if (m[3] === 'd') s = Math.round(v).toString();
  else if (m[3] === 'f') s = v.toFixed(digits ?? 6);
  else s = formatNumber(v);
  if (m[1]) s = s.replace(/^(-?\d+)/, (d) => d.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  return s;
}

/**
 * Fill a plotly texttemplate: `%{z}`, `%{z:.2f}`, `%{z:.1%}`, `%{text}`, `%{x}`, `%{y}`.
 * @param template The template; unknown keys become `''`.
 * @param values Values by key (numbers are formatted, strings inserted as they are).
 * @returns Plain text (HTML tags of the result removed, `<br>` as newline).
 */
export function fillTemplate(
  template: string,
  values: Record<string, PlotlyDatum | undefined>,
): string {
  return plainText(
    template.replace(/%\{(\w+)(?::([^}]*))?\}/g, (_, key: string, spec: string | undefined) => {
      const v = values[key];
      if (v === undefined) return '';
      return typeof v === 'number' ? formatWithSpec(v, spec) : v;
    }),
  );
}
