import { createRng } from '../../lib/data/createRng';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyFromConfusion,
  accuracyByMargin,
  argmaxRows,
  bootstrapCi,
  classIndices,
  classificationScores,
  cohenKappa,
  cohenKappaUnchecked,
  confusionMatrix,
  denseSplit,
  evaluateGroups,
  evaluateProbabilities,
  fuseProbabilities,
  groupFileStem,
  labelsFromCounts,
  formatMetricsJson,
  metricsJson,
  normalizeRows,
  percentileLinear,
  rocAuc,
  rocCurve,
  rocOneVsRest,
} from '../../lib/metrics';

const close = (actual: number, expected: number, what: string, tol = 1e-12): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
const closeAll = (actual: number[], expected: number[], what: string, tol = 1e-12): void => {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => close(v, expected[i], `${what}[${i}]`, tol));
};

/**
 * Hand-computed cases (see the comments for the arithmetic). Conventions are sklearn's with
 * labels=[0,1,2,3]: precision 0 for a class never predicted, recall 0 for a class absent from
 * the truth, and macro averages over all four classes.
 */
const cases = [
  {
    name: 'every class present',
    yTrue: [0, 0, 1, 1, 2, 2, 3, 3],
    yPred: [0, 1, 1, 1, 2, 3, 3, 2],
    cm: [
      [1, 1, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 1, 1],
      [0, 0, 1, 1],
    ],
    accuracy: 5 / 8,
    precision: [1, 2 / 3, 1 / 2, 1 / 2],
    recall: [1 / 2, 1, 1 / 2, 1 / 2],
    f1: [2 / 3, 4 / 5, 1 / 2, 1 / 2],
    support: [2, 2, 2, 2],
    precisionMacro: (1 + 2 / 3 + 1) / 4,
    recallMacro: 2.5 / 4,
    f1Macro: (2 / 3 + 4 / 5 + 1) / 4,
    precisionWeighted: (1 + 2 / 3 + 1) / 4,
    recallWeighted: 2.5 / 4,
    f1Weighted: (2 / 3 + 4 / 5 + 1) / 4,
    // p_o = 5/8, p_e = (2*1+2*3+2*2+2*2)/64 = 1/4 → (5/8 - 1/4) / (3/4)
    kappa: 0.5,
    // observed weighted disagreement 3; expected Σ|i-j| r_i c_j / n = 38/4
    kappaLinear: 1 - 3 / 9.5,
    // observed 3; expected Σ(i-j)² r_i c_j / n = 72/4
    kappaQuadratic: 1 - 3 / 18,
    dense: { tp: 4, fn: 0, fp: 0, tn: 4, sensitivity: 1, specificity: 1, accuracy: 1 },
  },
  {
    name: 'class A absent from the truth, class D never predicted',
    yTrue: [1, 1, 2, 2, 3, 3],
    yPred: [0, 1, 2, 2, 2, 1],
    cm: [
      [0, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 2, 0],
      [0, 1, 1, 0],
    ],
    accuracy: 3 / 6,
    precision: [0, 1 / 2, 2 / 3, 0],
    recall: [0, 1 / 2, 1, 0],
    f1: [0, 1 / 2, 4 / 5, 0],
    support: [0, 2, 2, 2],
    precisionMacro: (1 / 2 + 2 / 3) / 4,
    recallMacro: 1.5 / 4,
    f1Macro: 1.3 / 4,
    precisionWeighted: (2 * (1 / 2) + 2 * (2 / 3)) / 6,
    recallWeighted: (2 * (1 / 2) + 2 * 1) / 6,
    f1Weighted: (2 * (1 / 2) + 2 * (4 / 5)) / 6,
    // p_o = 1/2, p_e = (0*1 + 2*2 + 2*3 + 2*0)/36 = 10/36 → 4/13
    kappa: 4 / 13,
    // observed 1*1 + 1*2 + 1*1 = 4; expected (2*4 + 2*4 + 2*10)/6 = 6
    kappaLinear: 1 / 3,
    // observed 1 + 4 + 1 = 6; expected (2*4 + 2*6 + 2*20)/6 = 10
    kappaQuadratic: 0.4,
    dense: { tp: 3, fn: 1, fp: 0, tn: 2, sensitivity: 3 / 4, specificity: 1, accuracy: 5 / 6 },
  },
  {
    name: 'all predicted as one class',
    yTrue: [0, 1, 2, 3],
    yPred: [1, 1, 1, 1],
    cm: [
      [0, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 1, 0, 0],
    ],
    accuracy: 1 / 4,
    precision: [0, 1 / 4, 0, 0],
    recall: [0, 1, 0, 0],
    f1: [0, 2 / 5, 0, 0],
    support: [1, 1, 1, 1],
    precisionMacro: 1 / 16,
    recallMacro: 1 / 4,
    f1Macro: 1 / 10,
    precisionWeighted: 1 / 16,
    recallWeighted: 1 / 4,
    f1Weighted: 1 / 10,
    // p_o = 1/4 = p_e → 0 for every weighting
    kappa: 0,
    kappaLinear: 0,
    kappaQuadratic: 0,
    // dense rows predicted B (non-dense): tp 0, fn 2; non-dense rows predicted B: tn 2
    dense: { tp: 0, fn: 2, fp: 0, tn: 2, sensitivity: 0, specificity: 1, accuracy: 1 / 2 },
  },
];

for (const c of cases) {
  test(`metrics, ${c.name}: confusion, accuracy, P/R/F1, kappa, dense split`, () => {
    const cm = confusionMatrix(c.yTrue, c.yPred);
    assert.deepEqual(cm, c.cm);
    close(accuracyFromConfusion(cm), c.accuracy, 'accuracy');
    const s = classificationScores(cm);
    closeAll(s.precision, c.precision, 'precision');
    closeAll(s.recall, c.recall, 'recall');
    closeAll(s.f1, c.f1, 'f1');
    assert.deepEqual(s.support, c.support);
    close(s.precisionAvg.macro, c.precisionMacro, 'precision macro');
    close(s.recallAvg.macro, c.recallMacro, 'recall macro');
    close(s.f1Avg.macro, c.f1Macro, 'f1 macro');
    close(s.precisionAvg.weighted, c.precisionWeighted, 'precision weighted');
    close(s.recallAvg.weighted, c.recallWeighted, 'recall weighted');
    close(s.f1Avg.weighted, c.f1Weighted, 'f1 weighted');
    close(cohenKappa(cm), c.kappa, 'kappa');
    close(cohenKappa(cm, 'linear'), c.kappaLinear, 'kappa linear');
    close(cohenKappa(cm, 'quadratic'), c.kappaQuadratic, 'kappa quadratic');
    const d = denseSplit(cm);
    for (const [k, v] of Object.entries(c.dense)) {
      close(d[k as keyof typeof d], v, `dense ${k}`);
    }
  });
}

test('kappa is NaN when chance disagreement is 0 (one class everywhere), 1 when perfect', () => {
  assert.ok(Number.isNaN(cohenKappa(confusionMatrix([2, 2, 2], [2, 2, 2]))));
  for (const w of ['none', 'linear', 'quadratic'] as const) {
    close(cohenKappa(confusionMatrix([0, 1, 2, 3, 3], [0, 1, 2, 3, 3]), w), 1, `kappa ${w}`);
  }
});

test('weighted kappa penalises far errors more: A→D vs A→B', () => {
  const near = confusionMatrix([0, 0, 1, 2, 3], [1, 0, 1, 2, 3]);
  const far = confusionMatrix([0, 0, 1, 2, 3], [3, 0, 1, 2, 3]);
  close(cohenKappa(near), cohenKappa(far), 'unweighted kappa ignores distance', 1e-15);
  assert.ok(cohenKappa(far, 'quadratic') < cohenKappa(near, 'quadratic'));
  assert.ok(cohenKappa(far, 'linear') < cohenKappa(near, 'linear'));
});

test('confusion matrix and label helpers refuse bad input with the position', () => {
  assert.throws(() => confusionMatrix([0, 1], [0]), /same length, got 2 and 1/);
  assert.throws(
    () => confusionMatrix([0, 4], [0, 1]),
    /yTrue\[1\]: expected a class index from 0 to 3, got 4/,
  );
  assert.throws(() => confusionMatrix([0, 1], [0, 0.5]), /yPred\[1\].*got 0.5/);
  assert.throws(() => accuracyFromConfusion(confusionMatrix([], [])), /at least one sample/);
  assert.deepEqual(labelsFromCounts([2, 0, 1, 3]), [0, 0, 2, 3, 3, 3]);
  assert.throws(() => labelsFromCounts([1, 2, 3]), /4 whole numbers/);
  assert.deepEqual(classIndices(['a', 'B', ' d ']), [0, 1, 3]);
  assert.throws(() => classIndices(['A', 'E']), /label 1: expected one of A B C D, got "E"/);
});

test('normalizeRows: fractions of each true class, 0 for an absent class', () => {
  const n = normalizeRows([
    [0, 0, 0, 0],
    [1, 3, 0, 0],
    [0, 0, 2, 0],
    [1, 1, 1, 1],
  ]);
  assert.deepEqual(n, [
    [0, 0, 0, 0],
    [0.25, 0.75, 0, 0],
    [0, 0, 1, 0],
    [0.25, 0.25, 0.25, 0.25],
  ]);
});

test('argmax takes the first maximum; fusion is the row-wise mean', () => {
  assert.deepEqual(
    argmaxRows([
      [0.1, 0.4, 0.4, 0.1],
      [0.7, 0.1, 0.1, 0.1],
      [0, 0, 0, 1],
    ]),
    [1, 0, 3],
  );
  const fused = fuseProbabilities([
    [
      [0.5, 0.5, 0, 0],
      [0, 0, 1, 0],
    ],
    [
      [0.1, 0.7, 0.2, 0],
      [0, 0, 0, 1],
    ],
  ]);
  closeAll(fused[0], [0.3, 0.6, 0.1, 0], 'fused row 0');
  closeAll(fused[1], [0, 0, 0.5, 0.5], 'fused row 1');
  assert.throws(
    () =>
      fuseProbabilities([
        [[1, 0, 0, 0]],
        [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
        ],
      ]),
    /view 1 has 2 rows, expected 1/,
  );
});

test('ROC with tied scores: sklearn points and Mann-Whitney AUC', () => {
  // positives {0.9, 0.5, 0.1}, negatives {0.9, 0.3}: 0.5 + 1 + 0 + 1 + 0 + 0 = 2.5 of 6 pairs
  const positive = [1, 0, 1, 0, 1];
  const scores = [0.9, 0.9, 0.5, 0.3, 0.1];
  const c = rocCurve(positive, scores);
  closeAll(c.fpr, [0, 0.5, 0.5, 1, 1], 'fpr');
  closeAll(c.tpr, [0, 1 / 3, 2 / 3, 2 / 3, 1], 'tpr');
  assert.deepEqual(c.thresholds, [Infinity, 0.9, 0.5, 0.3, 0.1]);
  close(rocAuc(positive, scores), 2.5 / 6, 'auc');
});

test('ROC drops collinear intermediate points like sklearn (drop_intermediate=True)', () => {
  const c = rocCurve([1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]);
  assert.deepEqual(c.fpr, [0, 0, 0, 1]);
  assert.deepEqual(c.tpr, [0, 0.5, 1, 1]);
  assert.deepEqual(c.thresholds, [Infinity, 0.9, 0.8, 0.6]);
  const all = rocCurve([1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6], { dropIntermediate: false });
  assert.deepEqual(all.fpr, [0, 0, 0, 0.5, 1]);
  close(rocAuc([1, 1, 0, 0], [0.9, 0.8, 0.7, 0.6]), 1, 'perfect auc');
  close(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.7, 0.6]), 0, 'reversed auc');
});

const ovrProbs = [
  [0.7, 0.1, 0.1, 0.1],
  [0.4, 0.4, 0.1, 0.1],
  [0.1, 0.2, 0.6, 0.1],
  [0.1, 0.1, 0.4, 0.4],
  [0.3, 0.5, 0.1, 0.1],
  [0.2, 0.6, 0.1, 0.1],
  [0.1, 0.1, 0.4, 0.4],
  [0.1, 0.1, 0.2, 0.6],
];
const ovrTrue = [0, 1, 2, 3, 0, 1, 2, 3];

test('one-vs-rest AUC per class and macro (hand-counted pairs, ties count 1/2)', () => {
  const r = rocOneVsRest(ovrTrue, ovrProbs);
  // A: 6 + 5 of 12; B: 5 + 6; C: 6 + 5.5 (tie at 0.4); D: 5.5 + 6
  closeAll(r.auc, [11 / 12, 11 / 12, 11.5 / 12, 11.5 / 12], 'auc');
  close(r.macro, 45 / 48, 'macro');
});

test('one-vs-rest AUC of a class absent from the truth is NaN, and so is the macro', () => {
  const r = rocOneVsRest([0, 0, 1, 1], ovrProbs.slice(0, 4));
  assert.ok(Number.isNaN(r.auc[2]) && Number.isNaN(r.auc[3]));
  assert.ok(!Number.isNaN(r.auc[0]));
  assert.ok(Number.isNaN(r.macro));
  const j = metricsJson(
    evaluateProbabilities([0, 0, 1, 1], ovrProbs.slice(0, 4), { bootstrap: false }),
  );
  assert.equal(j.auc_ovr_macro, null);
  assert.equal(j.per_class.C.auc, null);
  assert.equal(j.per_class.C.recall, 0);
});

test('percentileLinear matches numpy.percentile (linear)', () => {
  close(percentileLinear([1, 2, 3, 4], 0.025), 1.075, 'p2.5');
  close(percentileLinear([1, 2, 3, 4], 0.975), 3.925, 'p97.5');
  close(percentileLinear([5], 0.5), 5, 'single');
  assert.ok(Number.isNaN(percentileLinear([], 0.5)));
});

test('seeded generator is reproducible and uniform-ish', () => {
  const a = createRng(42, { rawState: true }).next;
  const b = createRng(42, { rawState: true }).next;
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  close(xs.reduce((s, x) => s + x, 0) / xs.length, 0.5, 'mean', 0.02);
});

test('bootstrap: seeded, contains the estimate, degenerate cases collapse', () => {
  const yTrue = [0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3, 1, 2, 1, 2];
  const yPred = [0, 1, 1, 1, 2, 3, 3, 2, 0, 1, 2, 3, 2, 2, 1, 1];
  const r1 = bootstrapCi(yTrue, yPred, { resamples: 300, seed: 7 });
  const r2 = bootstrapCi(yTrue, yPred, { resamples: 300, seed: 7 });
  const r3 = bootstrapCi(yTrue, yPred, { resamples: 300, seed: 8 });
  assert.deepEqual(r1, r2);
  assert.notDeepEqual(r1.accuracy, r3.accuracy);
  close(r1.accuracy.estimate, 11 / 16, 'accuracy estimate');
  for (const iv of [r1.accuracy, r1.kappa, r1.kappaLinear, r1.kappaQuadratic]) {
    assert.ok(iv.low <= iv.estimate && iv.estimate <= iv.high, JSON.stringify(iv));
    assert.ok(iv.high - iv.low > 0.05, `interval too narrow: ${JSON.stringify(iv)}`);
  }
  assert.equal(r1.subjects, 16);
  // perfect predictions: every resample has accuracy 1
  const p = bootstrapCi([0, 1, 2, 3], [0, 1, 2, 3], { resamples: 50 });
  assert.deepEqual([p.accuracy.low, p.accuracy.high], [1, 1]);
  // one subject owning all rows: every resample is the full sample
  const g = bootstrapCi(yTrue, yPred, { resamples: 20, groups: yTrue.map(() => 'S1') });
  assert.equal(g.subjects, 1);
  assert.deepEqual([g.accuracy.low, g.accuracy.high], [11 / 16, 11 / 16]);
  assert.throws(() => bootstrapCi([0], [0], { level: 1 }), /level in \(0, 1\)/);
});

test('evaluateGroups: views, sides with both views, exam only with four views', () => {
  const yTrue = [0, 1, 2, 3];
  const eye = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  const wrong = eye.map((r) => [r[3], r[0], r[1], r[2]]);
  const three = evaluateGroups({ CC_R: eye, MLO_R: eye, CC_L: wrong }, yTrue, { bootstrap: false });
  assert.deepEqual(Object.keys(three), ['CC_R', 'MLO_R', 'CC_L', 'right']);
  assert.equal(three.CC_L!.accuracy, 0);
  const four = evaluateGroups({ CC_R: eye, MLO_R: eye, CC_L: wrong, MLO_L: eye }, yTrue, {
    bootstrap: false,
  });
  assert.deepEqual(Object.keys(four), ['CC_R', 'MLO_R', 'CC_L', 'MLO_L', 'right', 'left', 'total']);
  // left: mean of a one-hot and a shifted one-hot is a 0.5/0.5 tie → argmax takes the lower class
  assert.deepEqual(four.left!.predicted, [0, 1, 2, 0]);
  assert.equal(four.total!.accuracy, 1);
  assert.throws(
    () => evaluateGroups({ CC_R: eye }, [0, 1, 2]),
    /CC_R has 4 rows but there are 3 labels/,
  );
  assert.deepEqual(
    ['CC_R', 'MLO_L', 'right', 'total'].map((g) => groupFileStem(g as 'CC_R')),
    [
      'confusionmatrix_CCR',
      'confusionmatrix_MLOL',
      'confusionmatrix_right',
      'confusionmatrix_total',
    ],
  );
});

test('cohenKappaUnchecked (bootstrap inner loop) equals cohenKappa', () => {
  const random = createRng(3, { rawState: true }).next;
  for (let t = 0; t < 50; t++) {
    const cm = Array.from({ length: 4 }, () =>
      Array.from({ length: 4 }, () => Math.floor(random() * 6)),
    );
    cm[0][0] += 1;
    for (const w of ['none', 'linear', 'quadratic'] as const) {
      close(cohenKappaUnchecked(cm, w), cohenKappa(cm, w), `case ${t} ${w}`, 1e-12);
    }
  }
});

test('formatMetricsJson keeps number arrays on one line and the data unchanged', () => {
  const o = {
    CC_R: {
      n: 4,
      kappa: null,
      confusion: [
        [1, 0, 0, 0],
        [0, 1, 2, 3],
      ],
      ci95: { accuracy: [0.125, 0.875], kappa: [null, null] },
      tiny: [1e-7, -2.5e-3],
    },
  };
  const t = formatMetricsJson(o);
  assert.match(t, /^ {4}"confusion": \[\[1, 0, 0, 0\], \[0, 1, 2, 3\]\],$/m);
  assert.match(t, /"kappa": \[null, null\]/);
  assert.match(t, /"tiny": \[1e-7, -0\.0025\]/);
  assert.deepEqual(JSON.parse(t), o);
});

test('accuracyByMargin: hand-binned cases, empty bins NaN, bad input refused', () => {
  const thresholds = [0.25, 0.5, 0.75];
  const edges = [0, 0.025, 0.05, 0.1];
  // distances: 0.01, 0.24-0.25=0.01 → bin 0; 0.46 → 0.04 bin 1; 0.33 → 0.08 bin 2; 0.95 → 0.2 bin 3;
  // 0.1 → 0.15 bin 3; 0.51 → 0.01 bin 0.
  const cases = [
    {
      values: [0.26, 0.24, 0.46, 0.33, 0.95, 0.1, 0.51],
      correct: [false, true, true, false, true, true, false],
      counts: [3, 1, 1, 2],
      right: [1, 1, 0, 2],
    },
    { values: [], correct: [], counts: [0, 0, 0, 0], right: [0, 0, 0, 0] },
  ];
  for (const c of cases) {
    const bins = accuracyByMargin(c.values, c.correct, thresholds, edges);
    assert.deepEqual(
      bins.map((b) => [b.from, b.to]),
      [
        [0, 0.025],
        [0.025, 0.05],
        [0.05, 0.1],
        [0.1, Infinity],
      ],
    );
    assert.deepEqual(
      bins.map((b) => b.count),
      c.counts,
    );
    assert.deepEqual(
      bins.map((b) => b.correct),
      c.right,
    );
    bins.forEach((b, i) =>
      b.count
        ? close(b.accuracy, c.right[i] / c.counts[i], `accuracy ${i}`)
        : assert.ok(Number.isNaN(b.accuracy), `empty bin ${i} is NaN`),
    );
  }
  const bad: [string, () => unknown, RegExp][] = [
    [
      'lengths',
      () => accuracyByMargin([0.1], [], thresholds, edges),
      /as many flags as values \(1\), got 0/,
    ],
    ['no thresholds', () => accuracyByMargin([0.1], [true], [], edges), /finite thresholds/],
    ['edges from 0', () => accuracyByMargin([0.1], [true], thresholds, [0.01, 0.1]), /from 0/],
    ['increasing', () => accuracyByMargin([0.1], [true], thresholds, [0, 0.1, 0.1]), /increasing/],
    ['NaN value', () => accuracyByMargin([NaN], [true], thresholds, edges), /value 0 is NaN/],
  ];
  for (const [what, f, message] of bad) assert.throws(f, message, what);
});
