/**
 * Where the bundled models err: accuracy of `Prediction/` by the distance of each image's dense
 * fraction to the nearest class boundary (0.25 / 0.5 / 0.75), and the direction of the errors.
 * The figures of "What the numbers say" in docs/training.md come from it:
 *
 *   node --import tsx scripts/boundary-errors.ts [PREDICTION_DIR] [TEST_DATA]
 *
 * Defaults: `Prediction` and `out/phantom1040/test` (the held-out set of
 * scripts/make-predictions.sh, which regenerates it; its manifest holds the dense fractions).
 * Exit codes: 0 printed, 1 missing or inconsistent files (regenerate them with
 * scripts/make-predictions.sh).
 */
import * as path from 'path';
import { errorMessage } from '../lib/errors';
import { accuracyByMargin } from '../lib/metrics/accuracyByMargin';
import { confusionMatrix } from '../lib/metrics/confusionMatrix';
import { CLASS_NAMES, PROJECTIONS } from '../lib/model/constants';
import { DENSITY_THRESHOLDS } from '../lib/phantom/densityClass';
import { readManifest } from '../lib/phantom/manifest';
import { readPredictionCsv } from '../lib/predict/predictionCsv';
import { PREDICTION_FILE_STEMS } from '../lib/predict/loadPredictionFolder';

const [predictionDir = 'Prediction', testData = 'out/phantom1040/test'] = process.argv.slice(2);
const EDGES = [0, 0.025, 0.05, 0.1];
const points = (x: number) => `${+(100 * x).toFixed(1)}`;

try {
  const fraction = new Map(
    readManifest(testData).map((r) => [`${r.projection}/${r.subject}`, r.denseFraction]),
  );
  const values: number[] = [];
  const correct: boolean[] = [];
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const projection of PROJECTIONS) {
    const file = path.join(predictionDir, `predictions_${PREDICTION_FILE_STEMS[projection]}.csv`);
    for (const r of readPredictionCsv(file)) {
      const f = fraction.get(`${projection}/${r.subject}`);
      if (f === undefined || r.trueClass === null) {
        throw new Error(
          `${file}:${r.line}: subject ${r.subject} is not a ${projection} image of ${testData}`,
        );
      }
      values.push(f);
      truth.push(CLASS_NAMES.indexOf(r.trueClass));
      predicted.push(CLASS_NAMES.indexOf(r.predictedClass));
      correct.push(r.trueClass === r.predictedClass);
    }
  }
  console.log(`${values.length} images (${PROJECTIONS.join(', ')}) of ${testData}\n`);
  console.log('| distance to the nearest boundary (points) | images | correct | accuracy |');
  console.log('| --- | --- | --- | --- |');
  for (const b of accuracyByMargin(values, correct, DENSITY_THRESHOLDS, EDGES)) {
    const range = b.to === Infinity ? `≥ ${points(b.from)}` : `${points(b.from)}–${points(b.to)}`;
    console.log(`| ${range} | ${b.count} | ${b.correct} | ${(100 * b.accuracy).toFixed(0)} % |`);
  }
  const cm = confusionMatrix(truth, predicted);
  const cells = cm.flatMap((row, t) => row.map((n, p) => ({ n, off: p - t })));
  const count = (keep: (off: number) => boolean) =>
    cells.filter((c) => keep(c.off)).reduce((s, c) => s + c.n, 0);
  console.log(
    `\nerrors: ${count((o) => o !== 0)}, one class too dense: ${count((o) => o === 1)}, ` +
      `one class too fatty: ${count((o) => o === -1)}, two or more classes off: ${count((o) => Math.abs(o) >= 2)}`,
  );
} catch (e) {
  console.error(`boundary-errors: ${errorMessage(e)}`);
  process.exit(1);
}
