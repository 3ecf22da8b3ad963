/**
 * Draw a plotly figure (plain JSON) to a PNG, without a browser: the `image/png` part of every
 * figure display (GitHub, nbviewer, front ends without plotly.js) and the project's figure files
 * (e.g. `confusionmatrix_*.png`).
 *
 * Supported: trace types `heatmap` (colorscale, zmin/zmax, reversescale, texttemplate, colorbar),
 * `bar` (vertical/horizontal, grouped, marker colors) and `scatter` (`lines`, `markers`,
 * `lines+markers`, dash), layout title, axis titles, ranges, `autorange: 'reversed'`, category and
 * linear axes, tickvals/ticktext, subplots through axis `domain`s (`xaxis2`…), annotations
 * (data or paper coordinates, optional arrow), legend, margins, width/height. Defaults follow
 * plotly.js (700 × 450 px, margins 80/80/100/80, `#444` text, Open Sans). Text uses jimp's bundled
 * Open Sans bitmap fonts at the nearest available size (8, 10, 12, 14, 16, 32 px).
 */
import { InputError } from '../errors';
import { encodePng } from '../io/png';
import { type BitmapFont, loadBitmapFont, measureLine } from './bitmapFont';
import { type Canvas, createCanvas, drawLine, drawText, fillCircle, fillRect } from './canvas';
import {
  PLOTLY_COLORWAY,
  type Rgba,
  colorAt,
  luminance,
  parseColor,
  resolveColorscale,
} from './colors';
import type {
  BarTrace,
  HeatmapTrace,
  PlotlyAxis,
  PlotlyDatum,
  PlotlyFigure,
  PlotlyTitle,
  PlotlyTrace,
  ScatterTrace,
} from './figure';

/** Options of {@link renderFigurePng}. */
export interface RenderFigureOptions {
  /** Width in px (default `layout.width`, else 700). */
  width?: number;
  /** Height in px (default `layout.height`, else 450). */
  height?: number;
}

/** Trace types {@link renderFigurePng} can draw. */
export const RENDERABLE_TRACE_TYPES = ['heatmap', 'bar', 'scatter'] as const;

const TEXT = parseColor('#444444');
const GRID = parseColor('rgb(238,238,238)');
const WHITE: Rgba = [255, 255, 255, 255];

/** Plain text of a plotly string: `<br>` → newline, other tags removed, basic entities decoded. */
export function plainText(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function titleText(t: PlotlyTitle | undefined): string {
  if (t === undefined) return '';
  return plainText(typeof t === 'string' ? t : (t.text ?? ''));
}

function titleFontSize(t: PlotlyTitle | undefined, fallback: number): number {
  return typeof t === 'object' && t.font?.size ? t.font.size : fallback;
}

/** Format a number the way plotly's default hover/tick labels do (≤ 4 significant digits). */
function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
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

/** Fill a plotly texttemplate (`%{z}`, `%{z:.2f}`, `%{text}`, `%{x}`, `%{y}`). */
function fillTemplate(template: string, values: Record<string, PlotlyDatum | undefined>): string {
  return plainText(
    template.replace(/%\{(\w+)(?::([^}]*))?\}/g, (_, key: string, spec: string | undefined) => {
      const v = values[key];
      if (v === undefined) return '';
      return typeof v === 'number' ? formatWithSpec(v, spec) : v;
    }),
  );
}

function niceStep(span: number, count: number): number {
  const raw = Math.abs(span) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function numericTicks(r0: number, r1: number, count: number): { value: number; label: string }[] {
  const lo = Math.min(r0, r1);
  const hi = Math.max(r0, r1);
  const step = niceStep(hi - lo, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out: { value: number; label: string }[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    const value = Number(v.toFixed(decimals + 2));
    out.push({ value, label: (Object.is(value, -0) ? 0 : value).toFixed(decimals) });
  }
  return out;
}

interface Axis {
  id: string;
  isX: boolean;
  spec: PlotlyAxis;
  domain: [number, number];
  categories: string[] | null;
  lo: number;
  hi: number;
  /** Pixel start/end of the axis (x: left→right, y: bottom→top in screen pixels). */
  p0: number;
  p1: number;
  range: [number, number];
}

function axisKey(id: string, isX: boolean): string {
  const letter = isX ? 'x' : 'y';
  return id === letter ? `${letter}axis` : `${letter}axis${id.slice(1)}`;
}

function toPixel(a: Axis, v: number): number {
  const [r0, r1] = a.range;
  return a.p0 + ((v - r0) / (r1 - r0)) * (a.p1 - a.p0);
}

function position(a: Axis, v: PlotlyDatum): number {
  if (a.categories) {
    const i = a.categories.indexOf(String(v));
    return i >= 0 ? i : typeof v === 'number' ? v : NaN;
  }
  return typeof v === 'number' ? v : Number(v);
}

function traceColor(trace: PlotlyTrace, index: number, explicit: unknown): Rgba {
  return typeof explicit === 'string'
    ? parseColor(explicit)
    : parseColor(PLOTLY_COLORWAY[index % PLOTLY_COLORWAY.length]);
}

function heatmapCoords(values: PlotlyDatum[] | undefined, n: number): PlotlyDatum[] {
  return values && values.length >= n ? values.slice(0, n) : Array.from({ length: n }, (_, i) => i);
}

/** Cell edges along one heatmap dimension, in axis positions. */
function cellEdges(positions: number[]): number[] {
  const n = positions.length;
  if (n === 1) return [positions[0] - 0.5, positions[0] + 0.5];
  const edges = [positions[0] - (positions[1] - positions[0]) / 2];
  for (let i = 0; i < n - 1; i++) edges.push((positions[i] + positions[i + 1]) / 2);
  edges.push(positions[n - 1] + (positions[n - 1] - positions[n - 2]) / 2);
  return edges;
}

function validate(figure: PlotlyFigure): void {
  if (!figure || typeof figure !== 'object' || !Array.isArray(figure.data))
    throw new InputError(
      `renderFigurePng: expected a plotly figure {data: [...], layout}, got ${typeof figure}`,
    );
  figure.data.forEach((t, i) => {
    if (!(RENDERABLE_TRACE_TYPES as readonly string[]).includes(t.type))
      throw new InputError(
        `renderFigurePng: trace ${i} has type "${String(t.type)}"; supported: ${RENDERABLE_TRACE_TYPES.join(', ')}`,
      );
    if (t.type === 'heatmap' && (!Array.isArray(t.z) || !t.z.every((r) => Array.isArray(r))))
      throw new InputError(`renderFigurePng: heatmap trace ${i} needs z as an array of rows`);
  });
}

/**
 * Draw a plotly figure to an 8-bit RGBA PNG.
 * @param figure `{data, layout}` with traces of type `heatmap`, `bar` or `scatter`.
 * @param options Size override (else `layout.width/height`, else 700 × 450).
 * @returns PNG file bytes (RGBA, 8 bit), white background.
 * @throws InputError for an unsupported trace type or malformed data; Error for a bad color or
 *   colorscale name (the message names the value).
 */
export function renderFigurePng(figure: PlotlyFigure, options: RenderFigureOptions = {}): Buffer {
  validate(figure);
  const layout = figure.layout ?? {};
  const W = Math.round(options.width ?? layout.width ?? 700);
  const H = Math.round(options.height ?? layout.height ?? 450);
  if (!(W >= 50 && H >= 50 && W <= 8000 && H <= 8000))
    throw new InputError(`renderFigurePng: expected a size between 50 and 8000 px, got ${W}×${H}`);
  const bg = typeof layout.paper_bgcolor === 'string' ? parseColor(layout.paper_bgcolor) : WHITE;
  const plotBg = typeof layout.plot_bgcolor === 'string' ? parseColor(layout.plot_bgcolor) : WHITE;
  const c = createCanvas(W, H, bg);
  const m = { l: 80, r: 80, t: 100, b: 80, ...(layout.margin ?? {}) };
  const baseFont = layout.font?.size ?? 12;
  const tickFont = loadBitmapFont(baseFont);
  const traces = figure.data;

  // Legend entries (non-heatmap traces), shown like plotly: with 2+ traces or showlegend true.
  const legendable = traces
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.type !== 'heatmap' && t.showlegend !== false);
  const showLegend = layout.showlegend ?? legendable.length >= 2;
  const legendW =
    showLegend && legendable.length
      ? Math.max(...legendable.map(({ t, i }) => measureLine(tickFont, t.name ?? `trace ${i}`))) +
        50
      : 0;
  const colorbarTrace = traces.find(
    (t): t is HeatmapTrace => t.type === 'heatmap' && t.showscale !== false,
  );
  const L = m.l;
  const R = W - m.r - (legendW > m.r ? legendW - m.r + 10 : 0);
  const T = m.t;
  const B = H - m.b;

  // Collect axes and their data.
  const axes = new Map<string, Axis>();
  const axisFor = (id: string, isX: boolean): Axis => {
    const key = axisKey(id, isX);
    let a = axes.get(key);
    if (!a) {
      const spec = ((layout as Record<string, unknown>)[key] ?? {}) as PlotlyAxis;
      const domain = spec.domain ?? [0, 1];
      a = {
        id,
        isX,
        spec,
        domain,
        categories: spec.type === 'category' ? [] : null,
        lo: Infinity,
        hi: -Infinity,
        p0: isX ? L + domain[0] * (R - L) : B - domain[0] * (B - T),
        p1: isX ? L + domain[1] * (R - L) : B - domain[1] * (B - T),
        range: [0, 1],
      };
      axes.set(key, a);
    }
    return a;
  };
  const traceAxes = (t: PlotlyTrace): [Axis, Axis] => [
    axisFor(t.xaxis ?? 'x', true),
    axisFor(t.yaxis ?? 'y', false),
  ];
  // First pass: category detection.
  for (const t of traces) {
    const [ax, ay] = traceAxes(t);
    const xs: PlotlyDatum[] =
      t.type === 'heatmap' ? heatmapCoords(t.x, t.z[0]?.length ?? 0) : (t.x ?? []);
    const ys: PlotlyDatum[] =
      t.type === 'heatmap' ? heatmapCoords(t.y, t.z.length) : ((t.y ?? []) as PlotlyDatum[]);
    for (const [a, vals] of [
      [ax, xs],
      [ay, ys],
    ] as const) {
      if (a.spec.type !== 'linear' && vals.some((v) => typeof v === 'string') && !a.categories)
        a.categories = [];
      if (a.categories)
        for (const v of vals)
          if (v !== null && !a.categories.includes(String(v))) a.categories.push(String(v));
    }
  }
  // Bars per category axis (grouping).
  const barTraces = traces.filter((t): t is BarTrace => t.type === 'bar');
  const grouped = (layout.barmode ?? 'group') === 'group';
  const extend = (a: Axis, v: number): void => {
    if (Number.isFinite(v)) {
      a.lo = Math.min(a.lo, v);
      a.hi = Math.max(a.hi, v);
    }
  };
  const padded = new Set<Axis>();
  for (const t of traces) {
    const [ax, ay] = traceAxes(t);
    if (t.type === 'heatmap') {
      const xs = heatmapCoords(t.x, t.z[0]?.length ?? 0).map((v) => position(ax, v));
      const ys = heatmapCoords(t.y, t.z.length).map((v) => position(ay, v));
      for (const e of cellEdges(xs)) extend(ax, e);
      for (const e of cellEdges(ys)) extend(ay, e);
    } else if (t.type === 'bar') {
      const horizontal = t.orientation === 'h';
      const [ca, va] = horizontal ? [ay, ax] : [ax, ay];
      const cats = (horizontal ? t.y : t.x) ?? (horizontal ? t.x : t.y)?.map((_, i) => i) ?? [];
      const vals = ((horizontal ? t.x : t.y) ?? []) as PlotlyDatum[];
      for (const cv of cats) {
        const p = position(ca, cv);
        extend(ca, p - 0.5);
        extend(ca, p + 0.5);
      }
      extend(va, 0);
      for (const v of vals) extend(va, Number(v));
      padded.add(va);
    } else {
      const xs = t.x ?? (t.y ?? []).map((_, i) => i);
      for (const v of xs) extend(ax, position(ax, v));
      for (const v of t.y ?? []) if (v !== null) extend(ay, position(ay, v));
      if ((t.mode ?? 'lines+markers').includes('markers')) {
        padded.add(ax);
        padded.add(ay);
      }
    }
  }
  for (const a of axes.values()) {
    if (!Number.isFinite(a.lo)) {
      a.lo = a.categories ? -0.5 : 0;
      a.hi = a.categories ? Math.max(0, a.categories.length - 1) + 0.5 : 1;
    }
    if (a.lo === a.hi) {
      a.lo -= 1;
      a.hi += 1;
    }
    if (padded.has(a) && !a.categories) {
      const pad = (a.hi - a.lo) * 0.05;
      // Bars start at 0: pad only away from zero.
      if (a.lo !== 0) a.lo -= pad;
      a.hi += pad;
    }
    const r: [number, number] = a.spec.range ? [a.spec.range[0], a.spec.range[1]] : [a.lo, a.hi];
    a.range = a.spec.autorange === 'reversed' && !a.spec.range ? [r[1], r[0]] : r;
  }

  // Plot backgrounds and grid lines.
  const pairs = new Set<string>();
  for (const t of traces) {
    const [ax, ay] = traceAxes(t);
    const key = `${axisKey(ax.id, true)}|${axisKey(ay.id, false)}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    fillRect(c, ax.p0, ay.p1, ax.p1, ay.p0, plotBg);
  }
  const ticksOf = (a: Axis): { value: number; label: string }[] => {
    if (a.spec.tickvals) {
      return a.spec.tickvals.map((v, i) => ({
        value: position(a, v),
        label: a.spec.ticktext?.[i] !== undefined ? plainText(a.spec.ticktext[i]) : String(v),
      }));
    }
    if (a.categories) {
      const n = a.categories.length;
      const room = Math.abs(a.p1 - a.p0);
      const widest = Math.max(1, ...a.categories.map((s) => measureLine(tickFont, s)));
      const per = a.isX ? widest + 8 : tickFont.lineHeight + 2;
      const stride = Math.max(1, Math.ceil((n * per) / Math.max(1, room)));
      return a.categories
        .map((label, value) => ({ value, label }))
        .filter((_, i) => i % stride === 0);
    }
    const count = Math.max(2, Math.round(Math.abs(a.p1 - a.p0) / (a.isX ? 70 : 45)));
    return numericTicks(a.range[0], a.range[1], count);
  };
  const otherExtent = (a: Axis): [number, number] => {
    // Pixel extent across the axis: the domain of the paired axis (first trace using it).
    for (const t of traces) {
      const [ax, ay] = traceAxes(t);
      if (a === ax) return [ay.p1, ay.p0];
      if (a === ay) return [ax.p0, ax.p1];
    }
    return a.isX ? [T, B] : [L, R];
  };
  const tickCache = new Map<Axis, { value: number; label: string }[]>();
  for (const a of axes.values()) {
    const ticks = ticksOf(a);
    tickCache.set(a, ticks);
    if (a.spec.showgrid === false || a.categories) continue;
    const [o0, o1] = otherExtent(a);
    for (const { value } of ticks) {
      const p = Math.round(toPixel(a, value));
      if (a.isX) drawLine(c, p, o0, p, o1, GRID);
      else drawLine(c, o0, p, o1, p, GRID);
    }
  }

  // Traces.
  traces.forEach((t, index) => {
    const [ax, ay] = traceAxes(t);
    if (t.type === 'heatmap') drawHeatmap(c, t, ax, ay, baseFont);
    else if (t.type === 'bar') drawBar(c, t, index, ax, ay, barTraces, grouped, tickFont);
    else drawScatter(c, t, index, ax, ay);
  });

  // Zero lines, tick labels, axis titles.
  for (const a of axes.values()) {
    const [o0, o1] = otherExtent(a);
    const lo = Math.min(a.range[0], a.range[1]);
    const hi = Math.max(a.range[0], a.range[1]);
    if (!a.categories && lo < 0 && hi > 0 && a.spec.zeroline !== false) {
      const p = Math.round(toPixel(a, 0));
      if (a.isX) drawLine(c, p, o0, p, o1, TEXT);
      else drawLine(c, o0, p, o1, p, TEXT);
    }
    const ticks = tickCache.get(a) ?? [];
    let labelExtent = 0;
    if (a.spec.showticklabels !== false) {
      for (const { value, label } of ticks) {
        const p = toPixel(a, value);
        if (p < Math.min(a.p0, a.p1) - 1 || p > Math.max(a.p0, a.p1) + 1) continue;
        if (a.isX) drawText(c, tickFont, label, p, o1 + 6, TEXT, { hAnchor: 'middle' });
        else drawText(c, tickFont, label, o0 - 6, p, TEXT, { hAnchor: 'end', vAnchor: 'middle' });
        labelExtent = Math.max(
          labelExtent,
          a.isX ? tickFont.lineHeight : measureLine(tickFont, label),
        );
      }
    }
    const title = titleText(a.spec.title);
    if (title) {
      const font = loadBitmapFont(titleFontSize(a.spec.title, 14));
      const mid = (a.p0 + a.p1) / 2;
      if (a.isX)
        drawText(c, font, title, mid, o1 + 10 + labelExtent + 4, TEXT, { hAnchor: 'middle' });
      else
        drawText(c, font, title, o0 - 10 - labelExtent - 4, mid, TEXT, {
          hAnchor: 'end',
          vAnchor: 'middle',
          rotate: true,
        });
    }
  }

  // Figure title: centred in the top margin.
  const title = titleText(layout.title);
  if (title) {
    const font = loadBitmapFont(titleFontSize(layout.title, 17));
    drawText(c, font, title, W / 2, T / 2, TEXT, { hAnchor: 'middle', vAnchor: 'middle' });
  }

  if (colorbarTrace) drawColorbar(c, colorbarTrace, R + 12, T, B, tickFont);
  if (showLegend && legendable.length) {
    let y = T;
    const x = W - legendW - 5;
    for (const { t, i } of legendable) {
      const color = traceColor(
        t,
        i,
        t.type === 'scatter'
          ? (t.line?.color ?? t.marker?.color)
          : t.type === 'bar'
            ? t.marker?.color
            : undefined,
      );
      const cy = y + tickFont.lineHeight / 2;
      if (t.type === 'bar') fillRect(c, x, cy - 6, x + 20, cy + 6, color);
      else {
        const mode = String((t as ScatterTrace).mode ?? 'lines+markers');
        if (mode.includes('lines')) drawLine(c, x, cy, x + 30, cy, color, 2);
        if (mode.includes('markers')) fillCircle(c, x + 15, cy, 3, color);
      }
      drawText(c, tickFont, t.name ?? `trace ${i}`, x + 36, cy, TEXT, { vAnchor: 'middle' });
      y += tickFont.lineHeight + 4;
    }
  }

  // Annotations.
  for (const an of layout.annotations ?? []) {
    const font = loadBitmapFont(an.font?.size ?? baseFont);
    const color = an.font?.color ? parseColor(an.font.color) : TEXT;
    const map = (v: PlotlyDatum | undefined, ref: string | undefined, isX: boolean): number => {
      const r = ref ?? (isX ? 'x' : 'y');
      if (r.startsWith('paper') || r.endsWith('domain')) {
        const f = Number(v ?? 0.5);
        return isX ? L + f * (R - L) : B - f * (B - T);
      }
      const a = axes.get(axisKey(r, isX)) ?? axisFor(r, isX);
      return toPixel(a, position(a, v ?? 0));
    };
    const px = map(an.x, an.xref, true);
    const py = map(an.y, an.yref, false);
    const arrow = an.showarrow ?? true;
    const tx = arrow ? px + (an.ax ?? -10) : px;
    const ty = arrow ? py + (an.ay ?? -30) : py;
    if (arrow) drawLine(c, px, py, tx, ty, color);
    const h = an.xanchor === 'left' ? 'start' : an.xanchor === 'right' ? 'end' : 'middle';
    const v = an.yanchor === 'top' ? 'start' : an.yanchor === 'bottom' ? 'end' : 'middle';
    drawText(c, font, plainText(an.text), tx, ty, color, { hAnchor: h, vAnchor: v });
  }

  return encodePng({ width: W, height: H, channels: 4, bitDepth: 8, data: c.data });
}

function drawHeatmap(c: Canvas, t: HeatmapTrace, ax: Axis, ay: Axis, baseFont: number): void {
  const rows = t.z.length;
  const cols = Math.max(0, ...t.z.map((r) => r.length));
  const xs = heatmapCoords(t.x, cols);
  const ys = heatmapCoords(t.y, rows);
  const xe = cellEdges(xs.map((v) => position(ax, v)));
  const ye = cellEdges(ys.map((v) => position(ay, v)));
  const finite = t.z.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const zmin = t.zmin ?? (finite.length ? Math.min(...finite) : 0);
  const zmax = t.zmax ?? (finite.length ? Math.max(...finite) : 1);
  const stops = resolveColorscale(t.colorscale, t.reversescale ?? false);
  const font = loadBitmapFont(t.textfont?.size ?? baseFont);
  const fixedText = t.textfont?.color ? parseColor(t.textfont.color) : undefined;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const z = t.z[i][j];
      if (typeof z !== 'number' || !Number.isFinite(z)) continue;
      const color = colorAt(stops, zmax > zmin ? (z - zmin) / (zmax - zmin) : 0.5);
      const x0 = toPixel(ax, xe[j]);
      const x1 = toPixel(ax, xe[j + 1]);
      const y0 = toPixel(ay, ye[i]);
      const y1 = toPixel(ay, ye[i + 1]);
      fillRect(c, x0, y0, x1, y1, color);
      if (t.texttemplate) {
        const text = fillTemplate(t.texttemplate, {
          z,
          x: xs[j],
          y: ys[i],
          text: t.text?.[i]?.[j],
        });
        const tc = fixedText ?? (luminance(color) < 0.5 ? WHITE : parseColor('#000000'));
        drawText(c, font, text, (x0 + x1) / 2, (y0 + y1) / 2, tc, {
          hAnchor: 'middle',
          vAnchor: 'middle',
        });
      }
    }
}

function drawColorbar(
  c: Canvas,
  t: HeatmapTrace,
  x: number,
  top: number,
  bottom: number,
  font: BitmapFont,
): void {
  const finite = t.z.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const zmin = t.zmin ?? (finite.length ? Math.min(...finite) : 0);
  const zmax = t.zmax ?? (finite.length ? Math.max(...finite) : 1);
  const stops = resolveColorscale(t.colorscale, t.reversescale ?? false);
  const thickness = 20;
  for (let y = Math.round(top); y < bottom; y++) {
    const f = (bottom - 1 - y) / Math.max(1, bottom - 1 - top);
    fillRect(c, x, y, x + thickness, y + 1, colorAt(stops, f));
  }
  if (zmax > zmin) {
    for (const { value, label } of numericTicks(
      zmin,
      zmax,
      Math.max(2, Math.round((bottom - top) / 50)),
    )) {
      const y = bottom - 1 - ((value - zmin) / (zmax - zmin)) * (bottom - 1 - top);
      drawLine(c, x + thickness, y, x + thickness + 3, y, TEXT);
      drawText(c, font, label, x + thickness + 5, y, TEXT, { vAnchor: 'middle' });
    }
  }
  const title = titleText(t.colorbar?.title);
  if (title) drawText(c, font, title, x, top - 6, TEXT, { vAnchor: 'end' });
}

function drawBar(
  c: Canvas,
  t: BarTrace,
  index: number,
  ax: Axis,
  ay: Axis,
  bars: BarTrace[],
  grouped: boolean,
  font: BitmapFont,
): void {
  const horizontal = t.orientation === 'h';
  const [ca, va] = horizontal ? [ay, ax] : [ax, ay];
  const vals = ((horizontal ? t.x : t.y) ?? []) as PlotlyDatum[];
  const cats = (horizontal ? t.y : t.x) ?? vals.map((_, i) => i);
  const siblings = grouped
    ? bars.filter(
        (b) =>
          (b.orientation === 'h') === horizontal &&
          (b.xaxis ?? 'x') === (t.xaxis ?? 'x') &&
          (b.yaxis ?? 'y') === (t.yaxis ?? 'y'),
      )
    : [t];
  const k = Math.max(0, siblings.indexOf(t));
  const width = 0.8 / siblings.length;
  const colors = t.marker?.color;
  vals.forEach((raw, i) => {
    const v = Number(raw);
    if (!Number.isFinite(v)) return;
    const p = position(ca, cats[i]);
    const a0 = toPixel(ca, p - 0.4 + k * width);
    const a1 = toPixel(ca, p - 0.4 + (k + 1) * width);
    const b0 = toPixel(va, 0);
    const b1 = toPixel(va, v);
    const color = traceColor(t, index, Array.isArray(colors) ? colors[i] : colors);
    if (horizontal) fillRect(c, b0, a0, b1, a1, color);
    else fillRect(c, a0, b0, a1, b1, color);
    const text = Array.isArray(t.text) ? t.text[i] : t.text;
    if (text !== undefined && text !== '') {
      if (horizontal)
        drawText(c, font, plainText(String(text)), b1 + 4, (a0 + a1) / 2, TEXT, {
          vAnchor: 'middle',
        });
      else
        drawText(c, font, plainText(String(text)), (a0 + a1) / 2, b1 - 3, TEXT, {
          hAnchor: 'middle',
          vAnchor: 'end',
        });
    }
  });
}

function drawScatter(c: Canvas, t: ScatterTrace, index: number, ax: Axis, ay: Axis): void {
  const ys = t.y ?? [];
  const xs = t.x ?? ys.map((_, i) => i);
  const mode = t.mode ?? 'lines+markers';
  const lineColor = traceColor(
    t,
    index,
    t.line?.color ?? (typeof t.marker?.color === 'string' ? t.marker.color : undefined),
  );
  const width = t.line?.width ?? 2;
  const dash: [number, number] | undefined =
    t.line?.dash === 'dash'
      ? [9, 5]
      : t.line?.dash === 'dot'
        ? [3, 3]
        : t.line?.dash === 'dashdot'
          ? [9, 3]
          : undefined;
  const pts = ys.map((y, i) =>
    y === null || xs[i] === undefined
      ? null
      : ([toPixel(ax, position(ax, xs[i])), toPixel(ay, position(ay, y))] as const),
  );
  if (mode.includes('lines')) {
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1];
      const b = pts[i];
      if (a && b && [...a, ...b].every(Number.isFinite))
        drawLine(c, a[0], a[1], b[0], b[1], lineColor, width, dash);
    }
  }
  if (mode.includes('markers')) {
    const r = (t.marker?.size ?? 6) / 2;
    pts.forEach((p, i) => {
      if (!p || !p.every(Number.isFinite)) return;
      const mc = t.marker?.color;
      fillCircle(
        c,
        p[0],
        p[1],
        r,
        Array.isArray(mc) ? parseColor(mc[i]) : mc ? parseColor(mc) : lineColor,
      );
    });
  }
}
