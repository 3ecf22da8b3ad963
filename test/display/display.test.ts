/** lib/display: MIME bundles, figure modes, kernel messages (with a stand-in kernel writer). */
import { strict as assert } from 'node:assert';
import { afterEach, describe, test } from 'node:test';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError, UsageError } from '../../lib/errors';
import {
  PLOTLY_MIME,
  displayFigure,
  displayHtml,
  displayPng,
  displayTable,
  environmentInfo,
  FIGURE_MODE_ENV,
  figureBundle,
  figureMode,
  initFigures,
  inKernel,
  notebookProgress,
  setFigureMode,
  tableBundle,
  type DisplayContent,
} from '../../lib/display';
import { readPlotlyJs, renderFigurePng } from '../../lib/figure';
import { confusionFigure } from '../helpers/figures';

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
    const scores = [0.87, 0.9, 0.858, 1, 0.0005];
    for (const [options, want] of [
      [{ digits: 3 }, ['0.87', '0.9', '0.858', '1', '0.0005']],
      [{ decimals: 3 }, ['0.870', '0.900', '0.858', '1', '0.001']],
      [{ digits: 2, decimals: 1 }, ['0.9', '0.9', '0.9', '1', '0.0']],
    ] as const) {
      const text = String(
        tableBundle({ columns: ['s'], rows: scores.map((v) => [v]) }, options)['text/plain'],
      );
      assert.deepEqual(
        text
          .split('\n')
          .slice(2)
          .map((l) => l.trim()),
        want,
        JSON.stringify(options),
      );
    }
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
      /<div id="cm1" class="breast-density-figure" style="width:100%;max-width:480px"><img /,
    );
    assert.equal((html.match(/<script/g) ?? []).length, (html.match(/<\/script>/g) ?? []).length);
    const small = String(figureBundle(fig, { includePlotlyJs: false, png })['text/html']);
    assert.ok(small.length < 100_000 && !small.includes('g.define=undefined'));
    const pngOnly = figureBundle(fig, { pngOnly: true, png });
    assert.deepEqual(Object.keys(pngOnly).sort(), ['image/png', 'text/plain']);
    assert.equal(pngOnly['image/png'], b['image/png']);
    assert.equal(b['text/plain'], '<plotly figure: Confusion matrix; 1 trace(s)>');
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

  test('in a kernel without initFigures: one message per figure, plotly.js only in the first', () => {
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

  test('initFigures loads plotly.js every time the set-up cell runs; figures then never carry it', () => {
    installFakeKernel();
    initFigures();
    displayFigure(confusionFigure(true));
    initFigures();
    displayFigure(confusionFigure(true), { plotlyJs: 'auto' });
    assert.equal(sent.length, 4);
    const [loader, fig, loader2, fig2] = sent.map((s) => s.content.data);
    assert.deepEqual(loader, loader2);
    assert.ok(String(loader['text/html']).includes(readPlotlyJs().slice(0, 2000)));
    assert.match(String(loader['text/plain']), /^plotly\.js \d+\.\d+\.\d+ loaded/);
    for (const f of [fig, fig2]) {
      assert.ok(String(f['text/html']).length < 200_000, 'the figure relies on the loader');
      assert.ok(String(f['text/html']).includes('window.Plotly.newPlot'));
    }
    displayFigure(confusionFigure(true), { plotlyJs: 'always' });
    assert.ok(String(sent[4].content.data['text/html']).length > 1_000_000);
  });

  test('PNG-only mode (setFigureMode or $BREAST_DENSITY_FIGURES): the PNG and text, no library', () => {
    installFakeKernel();
    const saved = process.env[FIGURE_MODE_ENV];
    try {
      for (const set of [
        () => setFigureMode('png'),
        () => (process.env[FIGURE_MODE_ENV] = 'PNG'),
      ]) {
        sent.length = 0;
        set();
        assert.equal(figureMode(), 'png');
        initFigures();
        displayFigure(confusionFigure(true), { plotlyJs: 'always' });
        assert.deepEqual(Object.keys(sent[0].content.data), ['text/plain']);
        assert.match(String(sent[0].content.data['text/plain']), /PNG only/);
        assert.deepEqual(Object.keys(sent[1].content.data).sort(), ['image/png', 'text/plain']);
        assert.deepEqual(
          Buffer.from(String(sent[1].content.data['image/png']), 'base64'),
          renderFigurePng(confusionFigure(true)),
        );
      }
      initFigures({ mode: 'interactive' });
      assert.equal(figureMode(), 'interactive');
      process.env[FIGURE_MODE_ENV] = 'svg';
      assert.throws(
        () => figureMode(),
        /BREAST_DENSITY_FIGURES: expected "png" or "interactive", got "svg"/,
      );
      assert.throws(() => setFigureMode('svg' as 'png'), UsageError);
    } finally {
      if (saved === undefined) delete process.env[FIGURE_MODE_ENV];
      else process.env[FIGURE_MODE_ENV] = saved;
    }
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
