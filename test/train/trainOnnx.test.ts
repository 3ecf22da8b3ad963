/**
 * Training on ONNX Runtime against TF.js: every parameter gradient of the generated training-step
 * graph against TF.js autodiff (cpu backend, the reference kernels) with the same dropout mask;
 * (the optimisers are in trainOptimizers.test.ts).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createDensityModel } from '../../lib/model/createDensityModel';
import { createRng } from '../../lib/data/createRng';
import { createOnnxTrainingSession } from '../../lib/train/createOnnxTrainingSession';
import { bindDensityParameters } from '../../lib/train/densityParameterBinding';
import { createKerasOptimizer } from '../../lib/train/createKerasOptimizer';
import { createOptimizer, type OptimizerName } from '../../lib/train/createOptimizer';
import { tfjsTrainingStep } from '../helpers/tfjsTrainingStep';
import { leakyReluSignFlips } from '../helpers/leakyReluSignFlips';

const norm = (a: ArrayLike<number>, b?: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - (b ? b[i] : 0)) ** 2;
  return Math.sqrt(s);
};

before(async () => {
  // The reference: TF.js's cpu kernels (wasm's MaxPoolGrad differs at 64×64, see the README).
  await tf.setBackend('cpu');
});

// [input size, batch, labels, input seed]. The input seeds have no LeakyReLU pre-activation
// whose sign differs between the engines (checked first: see test/helpers/leakyReluSignFlips);
// the former 64×64 todo used input seed 64, which has two.
const GRADIENT_CASES: [number, number, number[], number][] = [
  [64, 3, [0, 3, 1], 1],
  [97, 2, [2, 2], 97],
];
for (const [size, n, classes, inputSeed] of GRADIENT_CASES) {
  test(`every parameter gradient equals TF.js autodiff at ${size}×${size}, batch ${n} (rel. L2 ≤ 1e-4)`, async () => {
    const model = createDensityModel({ inputSize: size, seed: size });
    const session = await createOnnxTrainingSession(model, { threads: 2 });
    try {
      const bind = bindDensityParameters(model, session.graph.parameters);
      const rng = createRng(size);
      const xs = tf.tidy(() =>
        tf.randomNormal([n, size, size, 3], 0, 1, 'float32', inputSeed),
      ) as tf.Tensor4D;
      const ys = tf.tidy(() =>
        tf.oneHot(tf.tensor1d(classes, 'int32'), 4).toFloat(),
      ) as tf.Tensor2D;
      const masks = session.graph.masks.map((m) => {
        const count = n * m.shape.slice(1).reduce((a, b) => a * b, 1);
        return Float32Array.from({ length: count }, () =>
          rng.next() < m.rate ? 0 : 1 / (1 - m.rate),
        );
      });
      const inputs = {
        images: Float32Array.from(xs.dataSync()),
        labels: Float32Array.from(ys.dataSync()),
        masks,
        parameters: bind.read(),
      };
      const { flips, examples } = await leakyReluSignFlips(model, inputs, n);
      assert.equal(flips, 0, `LeakyReLU inputs change sign between the engines: ${examples}`);
      const got = await session.run(inputs);
      const nhwc = new Map(
        session.graph.masks.map((m, i) => [
          m.layer,
          tf.tidy(() => tf.transpose(tf.tensor(masks[i], [n, ...m.shape.slice(1)]), [0, 2, 3, 1])),
        ]),
      );
      const ref = tfjsTrainingStep(model, xs, ys, nhwc);
      assert.ok(
        Math.abs(got.loss - ref.loss) < 1e-5 * Math.max(1, ref.loss),
        `loss ${got.loss} vs ${ref.loss}`,
      );
      let worst = 0;
      const failures: string[] = [];
      session.graph.parameters.forEach((p, i) => {
        const g = bind.toTfjs(i, got.gradients[i]);
        const e = ref.gradients.get(p.name)!;
        if (/^conv2d_\d+\/bias$/.test(p.name)) {
          // Every conv feeds a BatchNormalization, which removes per-channel constants: the exact
          // gradient is 0; both sides must be rounding noise against the kernel's gradient.
          const kernel = ref.gradients.get(p.name.replace('bias', 'kernel'))!;
          assert.ok(
            norm(g) <= 1e-5 * norm(kernel),
            `${p.name}: ${norm(g)} vs kernel ${norm(kernel)}`,
          );
          return;
        }
        const rel = norm(g, e) / norm(e);
        worst = Math.max(worst, rel);
        if (rel > 1e-4) failures.push(`${p.name} ${rel.toExponential(2)}`);
      });
      process.stdout.write(
        `# ${size}×${size}: worst relative L2 error ${worst.toExponential(2)}\n`,
      );
      assert.deepEqual(failures, [], 'relative L2 error above 1e-4');
      tf.dispose([xs, ys, ...nhwc.values()]);
    } finally {
      await session.release();
      model.dispose();
    }
  });
}
