/** lib/display: PNG figure renderer, MIME bundles, kernel messages (with a stand-in kernel writer). */
import { strict as assert } from 'node:assert';
import { afterEach, describe, test } from 'node:test';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { decodePng } from '../lib/io/png';
import { InputError } from '../lib/errors';
import {
  PLOTLY_MIME,
  displayFigure,
  displayHtml,
  displayPng,
  displayTable,
  environmentInfo,
  figureBundle,
  figureHtml,
  inKernel,
  notebookProgress,
  readPlotlyJs,
  renderFigurePng,
  tableBundle,
  type DisplayContent,
  type PlotlyFigure,
} from '../lib/display';
import { colorAt, parseColor, resolveColorscale } from '../lib/display/colors';

/** RGBA of pixel (x, y) of a decoded 8-bit RGBA PNG. */
function pixel(png: Buffer, x: number, y: number): number[] {
  const r = decodePng(png, 'figure');
  assert.equal(r.channels, 4);
  const i = (Math.round(y) * r.width + Math.round(x)) * 4;
  return Array.from(r.data.slice(i, i + 4));
}

const CM = [
  [50, 3, 1, 0],
  [4, 40, 6, 1],
  [0, 7, 35, 5],
  [0, 1, 4, 30],
];
function confusionFigure(reversed: boolean): PlotlyFigure {
  return {
    data: [
      {
        type: 'heatmap',
        z: CM,
        x: ['A', 'B', 'C', 'D'],
        y: ['A', 'B', 'C', 'D'],
        colorscale: 'Blues',
        reversescale: true,
        texttemplate: '%{z}',
      },
    ],
    layout: {
      title: 'Confusion matrix',
      width: 480,
      height: 420,
      xaxis: { title: 'predicted' },
      yaxis: { title: 'true', autorange: reversed ? 'reversed' : true },
    },
  };
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

describe('MIME bundles', () => {
  test('tableBundle: HTML table with escaped cells and aligned plain text', () => {
    const b = tableBundle(
      [
        { view: 'CC_L', accuracy: 0.812345, n: 40 },
        { view: '<MLO>', accuracy: 0.5, n: 8 },
      ],
      { caption: 'Accuracy' },
    );
    const html = String(b['text/html']);
    assert.match(html, /<caption>Accuracy<\/caption>/);
    assert.match(
      html,
      /<th style="text-align:left">view<\/th><th style="text-align:right">accuracy<\/th>/,
    );
    assert.match(
      html,
      /<td style="text-align:left">&lt;MLO&gt;<\/td><td style="text-align:right">0.5<\/td>/,
    );
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.equal(
      b['text/plain'],
      [
        'Accuracy',
        'view   accuracy   n',
        '-----  --------  --',
        'CC_L     0.8123  40',
        '<MLO>       0.5   8',
      ].join('\n'),
    );
    assert.throws(
      () => tableBundle({ columns: ['a', 'b'], rows: [[1]] }),
      /row 0 has 1 cells, expected 2/,
    );
  });

  test('figureBundle: one bundle with the plotly JSON object, guarded inline plotly.js and the PNG', () => {
    const fig = confusionFigure(true);
    const b = figureBundle(fig, { divId: 'cm1' });
    assert.deepEqual(
      Object.keys(b).sort(),
      [PLOTLY_MIME, 'image/png', 'text/html', 'text/plain'].sort(),
    );
    assert.equal(typeof b[PLOTLY_MIME], 'object');
    // Same figure, with string titles in the object form plotly.js 3 requires.
    const expected = JSON.parse(JSON.stringify(fig));
    expected.layout.title = { text: 'Confusion matrix' };
    expected.layout.xaxis.title = { text: 'predicted' };
    expected.layout.yaxis.title = { text: 'true' };
    assert.deepEqual(b[PLOTLY_MIME], expected);
    assert.equal(fig.layout?.title, 'Confusion matrix', "the caller's figure is not modified");
    const png = Buffer.from(String(b['image/png']), 'base64');
    assert.deepEqual(png, renderFigurePng(fig));
    const html = String(b['text/html']);
    assert.ok(html.includes(readPlotlyJs().slice(0, 2000)), 'plotly.js inlined');
    assert.match(html, /g\.define=undefined/);
    assert.match(
      html,
      /<div id="cm1" class="breast-density-figure" style="width:480px;height:420px"><img /,
    );
    assert.equal((html.match(/<script/g) ?? []).length, (html.match(/<\/script>/g) ?? []).length);
    const small = String(figureBundle(fig, { includePlotlyJs: false, png })['text/html']);
    assert.ok(small.length < 100_000 && !small.includes('g.define=undefined'));
    assert.equal(b['text/plain'], '<plotly figure: Confusion matrix; 1 trace(s)>');
  });

  test('figureHtml: standalone page with plotly.js and the figure', () => {
    const html = figureHtml(confusionFigure(true));
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Confusion matrix<\/title>/);
    assert.ok(html.length > readPlotlyJs().length);
    assert.ok(html.includes('"texttemplate":"%{z}"'));
  });
});

describe('kernel messages', () => {
  const fakeFile = path.join(path.sep, 'fake', 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const sent: Array<{ content: DisplayContent; update: boolean }> = [];
  function installFakeKernel(): void {
    sent.length = 0;
    const mod = {
      exports: {
        lastWriteDisplayData: (content: DisplayContent, update: boolean) =>
          sent.push({ content, update }),
      },
    };
    (require.cache as Record<string, unknown>)[fakeFile] = mod;
  }
  afterEach(() => {
    delete (require.cache as Record<string, unknown>)[fakeFile];
  });

  test('outside a kernel display calls send and print nothing', () => {
    assert.equal(inKernel(), false);
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => (written.push(s), true)) as typeof process.stdout.write;
    try {
      displayFigure(confusionFigure(true));
      displayHtml('<b>x</b>');
      displayPng(renderFigurePng(confusionFigure(true)));
      displayTable([{ a: 1 }]);
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(written, []);
    assert.throws(() => displayTable({ columns: ['a'], rows: [[1, 2]] }), /row 0 has 2 cells/);
  });

  test('in a kernel (detected at call time): one message per figure, plotly.js only in the first', () => {
    installFakeKernel();
    assert.equal(inKernel(), true);
    displayFigure(confusionFigure(true));
    displayFigure(confusionFigure(false));
    assert.equal(sent.length, 2);
    const [first, second] = sent.map((s) => s.content.data);
    assert.deepEqual(
      Object.keys(first).sort(),
      [PLOTLY_MIME, 'image/png', 'text/html', 'text/plain'].sort(),
    );
    assert.ok(String(first['text/html']).length > 1_000_000);
    assert.ok(String(second['text/html']).length < 200_000);
    assert.equal(sent[0].update, false);
    assert.throws(() => displayPng(Buffer.from('not a png')), InputError);
  });

  test('notebookProgress updates one display in place', () => {
    installFakeKernel();
    const sink = notebookProgress({ intervalMs: 0 });
    const base = { label: 'predict', total: 4, rate: 2, etaSeconds: 1, fields: { loss: 0.25 } };
    sink({ ...base, done: 1, finished: false });
    sink({ ...base, done: 4, finished: true });
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent.map((s) => s.update),
      [false, true],
    );
    const id = sent[0].content.transient.display_id;
    assert.ok(id && id === sent[1].content.transient.display_id);
    assert.equal(sent[1].content.data['text/plain'], 'predict 4/4 (2.00/s, done) loss 0.2500');
    assert.match(String(sent[1].content.data['text/html']), /<progress value="4" max="4"/);
  });
});

test('environmentInfo reports the kernel TypeScript, Node and TF.js versions', () => {
  const info = environmentInfo();
  assert.equal(info.node, process.version);
  assert.equal(info.tfjs, tf.version.tfjs);
  assert.equal(info.tslab, require('tslab/package.json').version);
  assert.match(info.typescript, /^5\.0\./);
  assert.equal(info.kernel, false);
});
