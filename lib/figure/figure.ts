/**
 * Plotly figure types: the subset of the plotly.js JSON schema this project builds and draws.
 *
 * Figures are plain JSON (`{data, layout}`), never plotly.js objects: plotly.js cannot run in Node.
 * The same object is sent to the notebook as `application/vnd.plotly.v1+json`, drawn in the
 * browser by plotly.js (loaded by the set-up cell, or inlined in a standalone page), and drawn to
 * PNG by {@link renderFigurePng} (which supports the trace types `heatmap`, `bar` and `scatter`).
 * Extra plotly attributes are allowed (index signatures) and passed through to the browser; the
 * PNG renderer ignores what it does not know.
 * Schema: https://plotly.com/javascript/reference/
 */

/** A font specification. `size` in px (plotly default 12), `color` any CSS color. */
export interface PlotlyFont {
  size?: number;
  color?: string;
  family?: string;
}

/** A title: plain text or `{text, font}`. Simple HTML (`<b>`, `<br>`) is allowed. */
export type PlotlyTitle = string | { text?: string; font?: PlotlyFont };

/** A colorscale: a plotly name (`Blues`, `Viridis`, `Greys`…) or `[[0, color], …, [1, color]]`. */
export type PlotlyColorscale = string | Array<[number, string]>;

/** Axis values: numbers (linear axis) or strings (category axis). */
export type PlotlyDatum = number | string;

/** Attributes shared by every trace. */
export interface PlotlyTraceBase {
  /** Legend entry. */
  name?: string;
  /** Whether the trace appears in the legend. */
  showlegend?: boolean;
  /** Axis ids: `x` (default), `x2`, … and `y`, `y2`, … (subplots, see `layout.xaxis2.domain`). */
  xaxis?: string;
  yaxis?: string;
  [key: string]: unknown;
}

/**
 * A heatmap: `z[row][column]`, row 0 at the bottom unless `layout.yaxis.autorange` is `'reversed'`
 * (as for a confusion matrix). `texttemplate` (e.g. `'%{z}'`, `'%{z:.2f}'`, `'%{text}'`) writes
 * the value in each cell.
 */
export interface HeatmapTrace extends PlotlyTraceBase {
  type: 'heatmap';
  z: Array<Array<number | null>>;
  x?: PlotlyDatum[];
  y?: PlotlyDatum[];
  colorscale?: PlotlyColorscale;
  reversescale?: boolean;
  zmin?: number;
  zmax?: number;
  showscale?: boolean;
  text?: string[][];
  texttemplate?: string;
  textfont?: PlotlyFont;
  colorbar?: { title?: PlotlyTitle; [key: string]: unknown };
}

/** A bar chart: vertical (`x` categories, `y` heights) or `orientation: 'h'`. */
export interface BarTrace extends PlotlyTraceBase {
  type: 'bar';
  x?: PlotlyDatum[];
  y?: PlotlyDatum[];
  orientation?: 'v' | 'h';
  marker?: { color?: string | string[]; [key: string]: unknown };
  text?: string | string[];
}

/** Lines and/or markers (`mode`: `lines`, `markers`, `lines+markers`; default `lines+markers`). */
export interface ScatterTrace extends PlotlyTraceBase {
  type: 'scatter';
  x?: PlotlyDatum[];
  y?: Array<number | null>;
  mode?: string;
  line?: { color?: string; width?: number; dash?: string; [key: string]: unknown };
  marker?: { color?: string | string[]; size?: number; [key: string]: unknown };
}

/** One trace of a figure. */
export type PlotlyTrace = HeatmapTrace | BarTrace | ScatterTrace;

/** An axis. `domain` places subplots (fractions of the plot area). */
export interface PlotlyAxis {
  title?: PlotlyTitle;
  range?: [number, number];
  autorange?: boolean | 'reversed';
  type?: 'linear' | 'category' | '-';
  domain?: [number, number];
  tickvals?: PlotlyDatum[];
  ticktext?: string[];
  showgrid?: boolean;
  showticklabels?: boolean;
  [key: string]: unknown;
}

/**
 * A text annotation. `xref`/`yref`: `x`, `x2`… (data coordinates) or `paper` (0..1 of the plot
 * area). `showarrow` defaults to true, as in plotly.
 */
export interface PlotlyAnnotation {
  text: string;
  x?: PlotlyDatum;
  y?: PlotlyDatum;
  xref?: string;
  yref?: string;
  showarrow?: boolean;
  ax?: number;
  ay?: number;
  font?: PlotlyFont;
  xanchor?: 'auto' | 'left' | 'center' | 'right';
  yanchor?: 'auto' | 'top' | 'middle' | 'bottom';
  [key: string]: unknown;
}

/** Figure layout. `xaxis2`, `yaxis2`… (subplots) go through the index signature. */
export interface PlotlyLayout {
  title?: PlotlyTitle;
  /** Size in px (plotly defaults 700 × 450). */
  width?: number;
  height?: number;
  margin?: { l?: number; r?: number; t?: number; b?: number; [key: string]: unknown };
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  annotations?: PlotlyAnnotation[];
  showlegend?: boolean;
  barmode?: 'group' | 'stack' | 'overlay';
  font?: PlotlyFont;
  [key: string]: unknown;
}

/** A plotly figure as plain JSON. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: PlotlyLayout;
  config?: Record<string, unknown>;
}
