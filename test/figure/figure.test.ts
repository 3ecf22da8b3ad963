/** lib/figure: the PNG renderer (Skia via @napi-rs/canvas, bundled font), colors, HTML pages. */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { decodePng } from '../../lib/io/png';
import { InputError } from '../../lib/errors';
import {
  figureHtml,
  plotlyJsPath,
  plotlyJsVersion,
  readPlotlyJs,
  renderFigurePng,
  type PlotlyFigure,
} from '../../lib/figure';
import { colorAt, parseColor, resolveColorscale } from '../../lib/figure/colors';
import { figureDiv, NO_PLOTLY_NOTE } from '../../lib/figure/figureDiv';
import { figureFont } from '../../lib/figure/figureFont';
import { CM, confusionFigure } from '../helpers/figures';

/** RGBA of pixel (x, y) of a decoded 8-bit RGBA PNG. */
function pixel(png: Buffer, x: number, y: number): number[] {
  const r = decodePng(png, 'figure');
  assert.equal(r.channels, 4);
  const i = (Math.round(y) * r.width + Math.round(x)) * 4;
  return Array.from(r.data.slice(i, i + 4));
}

// Plot area with plotly's default margins (l 80, r 80, t 100, b 80).
const L = 80;
const T = 100;
const cellCentre = (col: number, row: number, rows = 4, w = 480, h = 420): [number, number] => [
  L + ((col + 0.5) / 4) * (w - 80 - L),
  T + ((row + 0.5) / rows) * (h - 80 - T),
];

describe('renderFigurePng', () => {
  const blues = resolveColorscale('Blues', true);
  for (const reversed of [true, false]) {
    test(`heatmap cells take the colorscale colour (y ${reversed ? 'reversed' : 'upwards'})`, () => {
      const png = renderFigurePng(confusionFigure(reversed));
      const r = decodePng(png, 'cm');
      assert.deepEqual([r.width, r.height, r.bitDepth], [480, 420, 8]);
      // Row 0 (true class A) is at the top when reversed, at the bottom otherwise.
      const topRow = reversed ? 0 : 3;
      const [x, y] = cellCentre(0, 0);
      // Sample off-centre (the centre holds the cell text).
      const cellW = (480 - 160) / 4;
      const got = pixel(png, x - cellW * 0.35, y);
      const z = CM[topRow][0];
      const want = colorAt(blues, z / 50);
      assert.deepEqual(got.slice(0, 3), want.slice(0, 3), `cell (row ${topRow}, col 0) = ${z}`);
    });
  }

  test('cell text is drawn in a contrasting colour (white on the darkest cell)', () => {
    const png = renderFigurePng(confusionFigure(true));
    const [x, y] = cellCentre(0, 0);
    let white = 0;
    for (let dx = -8; dx <= 8; dx++)
      for (let dy = -6; dy <= 6; dy++) if (pixel(png, x + dx, y + dy)[0] > 200) white++;
    assert.ok(
      white >= 10,
      `expected the white digits "50" in the darkest cell, found ${white} white pixels`,
    );
  });

  test('bars and lines use plotly colorway colours; background stays white', () => {
    const fig: PlotlyFigure = {
      data: [
        { type: 'bar', x: ['A', 'B', 'C', 'D'], y: [4, 8, 2, 6], name: 'count' },
        {
          type: 'scatter',
          x: ['A', 'B', 'C', 'D'],
          y: [5, 5, 5, 5],
          mode: 'lines',
          name: 'mean',
          line: { color: '#d62728', width: 3 },
        },
      ],
      layout: {
        width: 400,
        height: 300,
        showlegend: false,
        margin: { l: 40, r: 20, t: 20, b: 40 },
      },
    };
    const png = renderFigurePng(fig);
    // y range: 0 .. 8·1.05; bar B (index 1) spans 0..8. Its middle, well below the line at 5:
    const plotW = 400 - 40 - 20;
    const plotH = 300 - 20 - 40;
    const xB = 40 + ((1 + 0.5) / 4) * plotW;
    const yOf = (v: number): number => 300 - 40 - (v / 8.4) * plotH;
    assert.deepEqual(pixel(png, xB, yOf(2)).slice(0, 3), parseColor('#1f77b4').slice(0, 3));
    assert.deepEqual(
      pixel(png, 40 + (2.5 / 4) * plotW + 30, yOf(5)).slice(0, 3),
      parseColor('#d62728').slice(0, 3),
    );
    assert.deepEqual(pixel(png, 5, 5), [255, 255, 255, 255]);
  });

  test('unsupported trace types and malformed heatmaps are rejected with the trace named', () => {
    assert.throws(
      () => renderFigurePng({ data: [{ type: 'pie' } as unknown as PlotlyFigure['data'][0]] }),
      (e: unknown) => e instanceof InputError && /trace 0 has type "pie"/.test(e.message),
    );
    assert.throws(
      () => renderFigurePng({ data: [{ type: 'heatmap', z: [1, 2] as unknown as number[][] }] }),
      /heatmap trace 0 needs z/,
    );
    assert.throws(
      () => renderFigurePng({ data: [{ type: 'heatmap', z: [[1]], colorscale: 'Nope' }] }),
      /colorscale name/,
    );
  });
});

/** Pixels of a box whose red channel is below `dark` (ink of #444 text on white). */
function inkIn(png: Buffer, x0: number, y0: number, x1: number, y1: number, dark = 160): number {
  const r = decodePng(png, 'figure');
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) if (r.data[(y * r.width + x) * 4] < dark) n++;
  return n;
}

describe('figure text (bundled Open Sans through Skia)', () => {
  test('the bundled font is registered from @fontsource/open-sans, not taken from the system', () => {
    const { GlobalFonts } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
    const font = figureFont(12);
    assert.match(font, /^400 12px "BD Open Sans latin", /);
    assert.match(figureFont(17, true), /^700 17px /);
    for (const subset of ['latin', 'latin-ext', 'greek', 'math', 'symbols'])
      assert.ok(GlobalFonts.has(`BD Open Sans ${subset}`), `subset ${subset} registered`);
    figureFont(12);
    const families = GlobalFonts.families.filter((f) => f.family.startsWith('BD Open Sans'));
    assert.equal(families.length, 5, 'registering again adds nothing');
  });

  const titled = (title: string, yTitle: string): PlotlyFigure => ({
    data: [{ type: 'scatter', x: [0, 1], y: [0, 1], mode: 'lines' }],
    layout: { title, width: 400, height: 300, yaxis: { title: yTitle }, showlegend: false },
  });

  test('the title is drawn centred in the top margin, longer titles wider', () => {
    const ink = (title: string): [number, number] => {
      const png = renderFigurePng(titled(title, ''));
      return [inkIn(png, 0, 30, 200, 70), inkIn(png, 200, 30, 400, 70)];
    };
    const [l1, r1] = ink('Confusion matrix, CC_R');
    assert.ok(l1 > 40 && r1 > 40, `ink on both sides of the centre: ${l1}, ${r1}`);
    assert.ok(Math.abs(l1 - r1) / (l1 + r1) < 0.35, `roughly centred: ${l1} vs ${r1}`);
    const [l0, r0] = ink('');
    assert.equal(l0 + r0, 0, 'no title, no ink');
    const [l2, r2] = ink('Confusion matrix, CC_R, exam of four views, κ ≥ 0.8 − ×');
    assert.ok(l2 + r2 > 1.5 * (l1 + r1), 'a longer title has more ink');
  });

  test('the y-axis title runs bottom to top left of the tick labels', () => {
    const png = renderFigurePng(titled('', 'a long y axis title'));
    // Plot area x 80..320, y 100..220: the title sits in the left margin, taller than wide.
    const r = decodePng(png, 'figure');
    const dark = (x: number, y: number): boolean => r.data[(y * r.width + x) * 4] < 160;
    const rows = [...Array(300).keys()].filter((y) =>
      [...Array(60).keys()].some((x) => dark(x, y)),
    );
    const cols = [...Array(60).keys()].filter((x) =>
      [...Array(300).keys()].some((y) => dark(x, y)),
    );
    assert.ok(rows.length > 80, `tall: ${rows.length} rows with ink`);
    assert.ok(cols.length < 25, `narrow: ${cols.length} columns with ink`);
  });
});

describe('figure HTML', () => {
  test('the minified plotly.js bundle is the one delivered', () => {
    assert.match(plotlyJsPath(), /plotly\.js-dist-min[\\/]plotly\.min\.js$/);
    assert.match(plotlyJsVersion(), /^\d+\.\d+\.\d+$/);
    const size = readPlotlyJs().length;
    assert.ok(size > 3e6 && size < 6e6, `minified size ${size}`);
  });

  test('figureDiv: fits the window (no fixed width, responsive) and notes a missing plotly.js', () => {
    const html = figureDiv(confusionFigure(true), 'f1', renderFigurePng(confusionFigure(true)));
    assert.match(
      html,
      /<div id="f1" class="breast-density-figure" style="width:100%;max-width:480px"><img /,
    );
    assert.match(html, /style="max-width:100%;height:auto"/);
    const fig = JSON.parse(/var fig=(\{.*?\});function draw/.exec(html)![1]);
    assert.equal(fig.layout.width, undefined, 'plotly sizes the figure to the output area');
    assert.equal(fig.layout.height, 420);
    assert.equal(fig.config.responsive, true);
    assert.ok(html.includes(JSON.stringify(NO_PLOTLY_NOTE)));
  });

  test('the picture under an HTML figure is a WebP copy of the PNG: smaller, same pixels to a few levels', () => {
    const png = renderFigurePng(confusionFigure(true));
    const html = figureDiv(confusionFigure(true), 'f2', png);
    const m = /src="data:image\/webp;base64,([^"]+)"/.exec(html);
    assert.ok(m, 'a WebP data URL');
    const webp = Buffer.from(m[1], 'base64');
    assert.ok(webp.length < png.length / 1.5, `${webp.length} B vs PNG ${png.length} B`);
    const { Image, createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
    const img = new Image();
    img.src = webp;
    const ctx = createCanvas(img.width, img.height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const got = ctx.getImageData(0, 0, img.width, img.height).data;
    const want = decodePng(png, 'figure');
    assert.deepEqual([img.width, img.height], [want.width, want.height]);
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff += Math.abs(got[i] - want.data[i]);
    assert.ok(diff / got.length < 3, `mean difference ${(diff / got.length).toFixed(2)} levels`);
  });

  test('figureHtml: standalone page with plotly.js and the figure', () => {
    const html = figureHtml(confusionFigure(true));
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Confusion matrix<\/title>/);
    assert.ok(html.length > readPlotlyJs().length);
    assert.ok(html.includes('"texttemplate":"%{z}"'));
  });
});

test('figures stay apart from the kernel: lib/figure and lib/plots never import lib/display', () => {
  const fs = require('fs') as typeof import('fs');
  const path = require('path') as typeof import('path');
  const lib = path.join(__dirname, '..', '..', 'lib');
  const offenders: string[] = [];
  for (const dir of ['figure', 'plots']) {
    const files = fs.readdirSync(path.join(lib, dir)).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 3, `lib/${dir} has files`);
    for (const f of files) {
      const src = fs.readFileSync(path.join(lib, dir, f), 'utf8');
      for (const m of src.matchAll(/(?:from|require\()\s*'([^']+)'/g))
        if (/(^|\/)display(\/|$)/.test(m[1])) offenders.push(`lib/${dir}/${f} imports ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
