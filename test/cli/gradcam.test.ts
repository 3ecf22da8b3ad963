import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { setupTf } from '../helpers/tf';
import { createDensityModel } from '../../lib/model';
import { createModelMetadata, saveDensityModel } from '../../lib/modelFiles';
import { generatePhantomDataset } from '../../lib/phantom';
import { decodePng } from '../../lib/io/png';
import { camFileNames } from '../../lib/cam';

test('gradcam CLI on phantoms: MAPS/ layout, PNG formats, gradcam.json, measures', async () => {
  await setupTf();
  const tmp = makeTmpDir('bd-cam-cli-');
  const modelDir = path.join(tmp, 'model');
  const model = createDensityModel({ inputSize: 64, seed: 4 });
  await saveDensityModel(
    model,
    modelDir,
    createModelMetadata([64, 64], { createdBy: 'init' }, 'CC_R'),
  );
  model.dispose();
  const data = path.join(tmp, 'ph');
  await generatePhantomDataset(data, {
    subjects: 2,
    seed: 5,
    width: 48,
    height: 80,
    split: [0, 0, 1],
    progress: 'silent',
  });
  const out = path.join(tmp, 'out');
  const r = runCli(
    [
      'gradcam',
      '--model',
      modelDir,
      '--data',
      data,
      '--split',
      'test',
      '--out',
      out,
      '--masks',
      '--steps',
      '2',
      '--negative',
    ],
    { timeoutMs: 300_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2 image\(s\) mapped \(gradcam, layer add_12\)/);
  assert.match(r.stdout, /all all n=2: /);
  const index = JSON.parse(fs.readFileSync(path.join(out, 'gradcam.json'), 'utf8'));
  assert.equal(index.format, 'breast-density-gradcam');
  assert.deepEqual(index.inputSize, [64, 64]);
  assert.equal(index.images.length, 2);
  for (const rec of index.images) {
    assert.equal(rec.projection, 'CC_R', 'the model is a CC_R network: --data descends into CC_R');
    assert.ok(['A', 'B', 'C', 'D'].includes(rec.trueClass));
    assert.equal(rec.target, rec.predicted, 'default target: the predicted class');
    const sum = rec.probabilities.reduce((a: number, b: number) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
    const stem = path.basename(rec.image).replace(/\.png$/, '');
    const names = camFileNames(rec.predicted, stem, [64, 64]);
    assert.equal(rec.files.input, `MAPS/CC_R/${rec.trueClass}/${names.input}`);
    assert.equal(names.input, `${rec.predicted}_${stem}_64.png`);
    const load = (rel: string) => decodePng(fs.readFileSync(path.join(out, rel)), rel);
    const input = load(rec.files.input);
    assert.deepEqual([input.width, input.height, input.channels, input.bitDepth], [64, 64, 1, 8]);
    for (const k of ['map', 'overlay', 'blend', 'contours', 'negative']) {
      const p = load(rec.files[k]);
      assert.deepEqual([p.width, p.height, p.channels, p.bitDepth], [64, 64, 3, 8], k);
    }
    const cam16 = load(rec.files.cam16);
    assert.deepEqual([cam16.channels, cam16.bitDepth], [1, 16]);
    const max = Math.max(...Array.from(cam16.data));
    // The keras-vis epsilon (1e-7) keeps the maximum a hair under 1 for maps with a tiny range.
    if (rec.emptyMap) assert.equal(max, 0);
    else assert.ok(max >= 65500, `normalised map reaches ~1 → 65535, got ${max}`);
    const m = rec.measures;
    assert.ok(m.attention.denseShare > 0 && m.attention.denseShare < 1);
    assert.ok(Number.isFinite(m.auc.deletion) && Number.isFinite(m.auc.deletionRandom));
    assert.ok(m.confidence.original > 0 && m.confidence.original <= 1);
  }
  const ex = JSON.parse(fs.readFileSync(path.join(out, 'explainability.json'), 'utf8'));
  assert.equal(ex.summary.overall.n, 2);
  assert.equal(ex.images[0].measures.curves.fractions.length, 3);
  const fig = JSON.parse(fs.readFileSync(path.join(out, 'explainability_figure.json'), 'utf8'));
  assert.ok(fig.data.every((t: { type: string }) => ['bar', 'scatter'].includes(t.type)));
});
