import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classScoresFigure,
  confusionMatrixFigure,
  probabilitiesFigure,
  rocCurvesFigure,
  trainingCurvesFigure,
} from '../../lib/plots';
import { classificationScores, rocOneVsRest } from '../../lib/metrics';
import type { BarTrace, HeatmapTrace, ScatterTrace } from '../../lib/figure/figure';

const cm = [
  [3, 1, 0, 0],
  [0, 0, 0, 0],
  [0, 2, 2, 0],
  [0, 0, 1, 7],
];

test('confusion matrix figure: row fractions as colour, count and row percent as text', () => {
  const f = confusionMatrixFigure(cm, { title: 'CC_R' });
  assert.equal(f.data.length, 1);
  const h = f.data[0] as HeatmapTrace;
  assert.equal(h.type, 'heatmap');
  assert.deepEqual(h.z, [
    [0.75, 0.25, 0, 0],
    [0, 0, 0, 0],
    [0, 0.5, 0.5, 0],
    [0, 0, 0.125, 0.875],
  ]);
  assert.deepEqual(h.text![0], ['3<br>75.0%', '1<br>25.0%', '0<br>0.0%', '0<br>0.0%']);
  assert.equal(h.text![1][1], '0<br>0.0%');
  assert.equal(h.text![3][3], '7<br>87.5%');
  assert.deepEqual(h.x, ['A', 'B', 'C', 'D']);
  assert.deepEqual([h.zmin, h.zmax, h.texttemplate], [0, 1, '%{text}']);
  assert.equal(f.layout!.yaxis!.autorange, 'reversed');
  assert.deepEqual(f.layout!.title, { text: 'CC_R (n = 16)' });
  assert.throws(
    () => confusionMatrixFigure(cm, { classNames: ['A', 'B'] }),
    /expected 4 class names, got 2/,
  );
  assert.throws(
    () =>
      confusionMatrixFigure([
        [1, -1],
        [0, 0],
      ]),
    /expected a count >= 0, got -1/,
  );
});

test('class scores figure: grouped precision/recall/F1 bars with support in the labels', () => {
  const s = classificationScores(cm);
  const f = classScoresFigure(s);
  const bars = f.data as BarTrace[];
  assert.deepEqual(
    bars.map((b) => b.name),
    ['precision', 'recall', 'F1'],
  );
  assert.deepEqual(bars[0].x, ['A (n=4)', 'B (n=0)', 'C (n=4)', 'D (n=8)']);
  assert.deepEqual(bars[0].y, [1, 0, 2 / 3, 1]);
  assert.deepEqual(bars[1].y, [0.75, 0, 0.5, 0.875]);
  assert.deepEqual(bars[0].text, ['1.00', '0.00', '0.67', '1.00']);
  assert.equal(f.layout!.barmode, 'group');
  assert.equal(classScoresFigure(s, { f1: false }).data.length, 2);
});

test('ROC figure: one line per class present, AUC in the legend, absent classes named', () => {
  const yTrue = [0, 0, 1, 1, 3];
  const probs = [
    [0.9, 0.1, 0, 0],
    [0.6, 0.4, 0, 0],
    [0.3, 0.7, 0, 0],
    [0.5, 0.2, 0, 0.3],
    [0.1, 0.1, 0.1, 0.7],
  ];
  const roc = rocOneVsRest(yTrue, probs);
  const f = rocCurvesFigure(roc);
  const lines = f.data as ScatterTrace[];
  assert.deepEqual(
    lines.map((l) => l.name),
    [
      `A (AUC ${roc.auc[0].toFixed(3)})`,
      `B (AUC ${roc.auc[1].toFixed(3)})`,
      'D (AUC 1.000)',
      'chance',
    ],
  );
  assert.deepEqual(lines[0].x, roc.curves[0].fpr);
  assert.deepEqual(lines[0].y, roc.curves[0].tpr);
  assert.match(JSON.stringify(f.layout!.title), /macro AUC undefined; no true C/);
});

test('training curves figure: loss left, accuracy right, epochs from 1, Keras 2.3 names accepted', () => {
  const f = trainingCurvesFigure({
    loss: [1.2, 0.9, 0.7],
    val_loss: [1.3, 1.1, NaN],
    accuracy: [0.4, 0.5, 0.6],
  });
  const t = f.data as ScatterTrace[];
  assert.deepEqual(
    t.map((s) => [s.name, s.xaxis, s.yaxis]),
    [
      ['training loss', 'x', 'y'],
      ['validation loss', 'x', 'y'],
      ['training accuracy', 'x2', 'y2'],
    ],
  );
  assert.deepEqual(t[0].x, [1, 2, 3]);
  assert.deepEqual(t[1].y, [1.3, 1.1, null]);
  const all = trainingCurvesFigure({ loss: [1], val_loss: [1], acc: [0.5], val_acc: [0.5] });
  const colors = (all.data as ScatterTrace[]).map((s) => s.line?.color);
  assert.equal(new Set(colors).size, 4, `one legend color per series: ${colors.join(' ')}`);
  assert.deepEqual((f.layout!.xaxis2 as { domain: number[] }).domain, [0.56, 1]);
  assert.throws(() => trainingCurvesFigure({}), /at least one of loss/);
});

test('figures are plain JSON (survive a JSON round trip unchanged)', () => {
  const f = confusionMatrixFigure(cm);
  assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
});

test('probabilities figure: one bar trace per class, images on x with their true class', () => {
  const f = probabilitiesFigure(
    ['a.png', 'b.png'],
    [
      [0.7, 0.2, 0.1, 0],
      [0.1, 0.1, 0.3, 0.5],
    ],
    { trueClasses: ['A', null] },
  );
  const bars = f.data as BarTrace[];
  assert.deepEqual(
    bars.map((b) => b.name),
    ['p(A)', 'p(B)', 'p(C)', 'p(D)'],
  );
  assert.deepEqual(bars[3].y, [0, 0.5]);
  assert.deepEqual(bars[0].x, ['a.png (true A)', 'b.png']);
  assert.throws(() => probabilitiesFigure(['a'], []), /one name per row/);
});
