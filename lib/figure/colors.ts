/**
 * Colors and colorscales for the PNG figure renderer, matching plotly.js (v3) names and stops.
 */
import type { PlotlyColorscale } from './figure';

/** An RGBA color, 0..255 per channel. */
export type Rgba = [number, number, number, number];

/** plotly.js's default trace colors (`layout.colorway`). */
export const PLOTLY_COLORWAY: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

type Stops = Array<[number, string]>;
const VIRIDIS =
  '#440154 #48186a #472d7b #424086 #3b528b #33638d #2c728e #26828e #21918c #1fa088 #28ae80 #3fbc73 #5ec962 #84d44b #addc30 #d8e219 #fde725'.split(
    ' ',
  );
const CIVIDIS =
  '0,32,76 0,42,102 0,52,110 39,63,108 60,74,107 76,85,107 91,95,109 104,106,112 117,117,117 131,129,120 146,140,120 161,152,118 176,165,114 192,177,109 209,191,102 225,204,92 243,219,79 255,233,69'.split(
    ' ',
  );
const even = (colors: string[]): Stops => colors.map((c, i) => [i / (colors.length - 1), c]);

/** plotly.js named colorscales (same stops as `Plotly.Colorscale` in plotly.js 3). */
export const PLOTLY_COLORSCALES: Readonly<Record<string, Stops>> = {
  Greys: [
    [0, 'rgb(0,0,0)'],
    [1, 'rgb(255,255,255)'],
  ],
  YlGnBu: even(
    '8,29,88 37,52,148 34,94,168 29,145,192 65,182,196 127,205,187 199,233,180 237,248,217 255,255,217'
      .split(' ')
      .map((c) => `rgb(${c})`),
  ),
  Greens: even(
    '0,68,27 0,109,44 35,139,69 65,171,93 116,196,118 161,217,155 199,233,192 229,245,224 247,252,245'
      .split(' ')
      .map((c) => `rgb(${c})`),
  ),
  YlOrRd: even(
    '128,0,38 189,0,38 227,26,28 252,78,42 253,141,60 254,178,76 254,217,118 255,237,160 255,255,204'
      .split(' ')
      .map((c) => `rgb(${c})`),
  ),
  Bluered: [
    [0, 'rgb(0,0,255)'],
    [1, 'rgb(255,0,0)'],
  ],
  RdBu: [
    [0, 'rgb(5,10,172)'],
    [0.35, 'rgb(106,137,247)'],
    [0.5, 'rgb(190,190,190)'],
    [0.6, 'rgb(220,170,132)'],
    [0.7, 'rgb(230,145,90)'],
    [1, 'rgb(178,10,28)'],
  ],
  Reds: [
    [0, 'rgb(220,220,220)'],
    [0.2, 'rgb(245,195,157)'],
    [0.4, 'rgb(245,160,105)'],
    [1, 'rgb(178,10,28)'],
  ],
  Blues: [
    [0, 'rgb(5,10,172)'],
    [0.35, 'rgb(40,60,190)'],
    [0.5, 'rgb(70,100,245)'],
    [0.6, 'rgb(90,120,245)'],
    [0.7, 'rgb(106,137,247)'],
    [1, 'rgb(220,220,220)'],
  ],
  Picnic: even(
    '0,0,255 51,153,255 102,204,255 153,204,255 204,204,255 255,255,255 255,204,255 255,153,255 255,102,204 255,102,102 255,0,0'
      .split(' ')
      .map((c) => `rgb(${c})`),
  ),
  Rainbow: even(
    '150,0,90 0,0,200 0,25,255 0,152,255 44,255,150 151,255,0 255,234,0 255,111,0 255,0,0'
      .split(' ')
      .map((c) => `rgb(${c})`),
  ),
  Portland: even(
    '12,51,131 10,136,186 242,211,56 242,143,56 217,30,30'.split(' ').map((c) => `rgb(${c})`),
  ),
  Jet: [
    [0, 'rgb(0,0,131)'],
    [0.125, 'rgb(0,60,170)'],
    [0.375, 'rgb(5,255,255)'],
    [0.625, 'rgb(255,255,0)'],
    [0.875, 'rgb(250,0,0)'],
    [1, 'rgb(128,0,0)'],
  ],
  Hot: [
    [0, 'rgb(0,0,0)'],
    [0.3, 'rgb(230,0,0)'],
    [0.6, 'rgb(255,210,0)'],
    [1, 'rgb(255,255,255)'],
  ],
  Blackbody: [
    [0, 'rgb(0,0,0)'],
    [0.2, 'rgb(230,0,0)'],
    [0.4, 'rgb(230,210,0)'],
    [0.7, 'rgb(255,255,255)'],
    [1, 'rgb(160,200,255)'],
  ],
  Earth: [
    [0, 'rgb(0,0,130)'],
    [0.1, 'rgb(0,180,180)'],
    [0.2, 'rgb(40,210,40)'],
    [0.4, 'rgb(230,230,50)'],
    [0.6, 'rgb(120,70,20)'],
    [1, 'rgb(255,255,255)'],
  ],
  Electric: [
    [0, 'rgb(0,0,0)'],
    [0.15, 'rgb(30,0,100)'],
    [0.4, 'rgb(120,0,100)'],
    [0.6, 'rgb(160,90,0)'],
    [0.8, 'rgb(230,200,0)'],
    [1, 'rgb(255,250,220)'],
  ],
  Viridis: even(VIRIDIS),
  Cividis: even(CIVIDIS.map((c) => `rgb(${c})`)),
};

const NAMED: Record<string, string> = {
  black: '#000000',
  white: '#ffffff',
  red: '#ff0000',
  green: '#008000',
  blue: '#0000ff',
  gray: '#808080',
  grey: '#808080',
  lightgray: '#d3d3d3',
  lightgrey: '#d3d3d3',
  darkgray: '#a9a9a9',
  orange: '#ffa500',
  purple: '#800080',
  yellow: '#ffff00',
  navy: '#000080',
  teal: '#008080',
  transparent: '#00000000',
};

/**
 * Parse a CSS color: `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(r,g,b)`, `rgba(r,g,b,a)` (a in 0..1) or
 * a few names (black, white, red, green, blue, gray, orange, purple, yellow, navy, teal).
 * @throws Error naming the color when it cannot be parsed.
 */
export function parseColor(color: string): Rgba {
  const c = (NAMED[color.trim().toLowerCase()] ?? color).trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) return [...m[1]].map((h) => parseInt(h + h, 16)).concat(255) as Rgba;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const v = parseInt(m[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255, m[2] ? parseInt(m[2], 16) : 255];
  }
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(c);
  if (m) {
    const a = m[4] === undefined ? 255 : Math.round(Number(m[4]) * 255);
    return [Number(m[1]), Number(m[2]), Number(m[3]), a].map((v) =>
      Math.max(0, Math.min(255, Math.round(v))),
    ) as Rgba;
  }
  throw new Error(
    `expected a CSS color (#rrggbb, rgb(…), rgba(…) or a basic name), got "${color}"`,
  );
}

/**
 * Resolve a colorscale (plotly name or stops) to sorted RGBA stops.
 * @param scale Name (case-insensitive) or `[[0, color], …, [1, color]]`; default plotly's `RdBu`.
 * @param reverse Reverse it (`reversescale`).
 * @throws Error for an unknown name or malformed stops.
 */
export function resolveColorscale(
  scale: PlotlyColorscale | undefined,
  reverse = false,
): Array<[number, Rgba]> {
  let stops: Stops;
  if (scale === undefined) stops = PLOTLY_COLORSCALES.RdBu;
  else if (typeof scale === 'string') {
    const key = Object.keys(PLOTLY_COLORSCALES).find(
      (k) => k.toLowerCase() === scale.toLowerCase(),
    );
    if (!key)
      throw new Error(
        `expected a colorscale name (${Object.keys(PLOTLY_COLORSCALES).join(', ')}) or stops, got "${scale}"`,
      );
    stops = PLOTLY_COLORSCALES[key];
  } else {
    if (!Array.isArray(scale) || scale.length < 2)
      throw new Error(
        `expected colorscale stops [[0, color], …, [1, color]], got ${JSON.stringify(scale)}`,
      );
    stops = scale;
  }
  const out = stops.map(([t, c]) => [reverse ? 1 - t : t, parseColor(c)] as [number, Rgba]);
  return out.sort((a, b) => a[0] - b[0]);
}

/** Color at `t` ∈ [0, 1] (clamped) of resolved stops, linearly interpolated in RGB. */
export function colorAt(stops: Array<[number, Rgba]>, t: number): Rgba {
  const u = Math.max(0, Math.min(1, t));
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i];
    if (u <= t1) {
      const [t0, c0] = stops[i - 1];
      const f = t1 > t0 ? (u - t0) / (t1 - t0) : 1;
      return c0.map((v, k) => Math.round(v + (c1[k] - v) * f)) as Rgba;
    }
  }
  return stops[stops.length - 1][1];
}

/** Relative luminance 0..1 (sRGB weights), to pick black or white text on a colored cell. */
export function luminance(c: Rgba): number {
  return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
}
