/**
 * Refit the classifier head of a trained density network with the rest frozen: multinomial
 * logistic regression of the true class on the pooled features, by full-batch L-BFGS
 * ({@link minimizeLbfgs}), with an L2 penalty that pulls the kernel towards the head it starts
 * from (the SGD-trained `dense_1`):
 *
 *   minimise  (1/n)·Σᵢ −log softmax(fᵢ·W + b)[yᵢ]  +  (λ/2)·‖W − W₀‖²
 *
 * λ = ∞ keeps the trained head, λ = 0 is the unpenalised maximum-likelihood head; the bias is not
 * penalised (as in scikit-learn's `LogisticRegression`, whose objective this is for W₀ = 0 and
 * C = 1/(λ·n)). The problem is convex, so the optimum does not depend on the batches or the
 * learning rate that make a batch-4 SGD epoch scatter: it is the least noisy use of a large set
 * of new images for the last layer ("last-layer retraining": P. Kirichenko, P. Izmailov &
 * A. G. Wilson, *Last layer re-training is sufficient for robustness to spurious correlations*,
 * ICLR 2023).
 */
import { minimizeLbfgs, type LbfgsOptions } from './minimizeLbfgs';
import {
  checkHeadDataset,
  headProbabilities,
  type HeadDataset,
  type SoftmaxHead,
} from './softmaxHead';

/** Options of {@link fitSoftmaxHead}. */
export interface FitSoftmaxHeadOptions {
  /** Penalty strength λ ≥ 0 on ‖W − W₀‖² (per image: the loss is a mean). */
  l2: number;
  /** W₀ and the starting bias: the head being refitted. */
  prior: SoftmaxHead;
  /** L-BFGS settings (default: gradient tolerance 1e-7, 2000 iterations). */
  lbfgs?: LbfgsOptions;
}

/** Result of {@link fitSoftmaxHead}. */
export interface FitSoftmaxHeadResult {
  /** The fitted head (new arrays). */
  head: SoftmaxHead;
  /** Objective at the optimum (mean cross-entropy plus the penalty). */
  objective: number;
  /** Mean cross-entropy on the fitting data at the optimum. */
  loss: number;
  /** L-BFGS iterations, and whether it converged. */
  iterations: number;
  converged: boolean;
}

/**
 * Fit the head on `data`.
 * @param data Pooled features `[n, d]` and labels in [0, k) (k = the prior's classes).
 * @returns The head and the optimisation record.
 * @throws RangeError for mismatched shapes, bad labels or a negative or non-finite λ.
 */
export function fitSoftmaxHead(
  data: HeadDataset,
  options: FitSoftmaxHeadOptions,
): FitSoftmaxHeadResult {
  const { prior, l2 } = options;
  const k = prior.bias.length;
  const d = data.dim;
  const n = checkHeadDataset(data, k);
  if (prior.kernel.length !== d * k) {
    throw new RangeError(
      `fitSoftmaxHead: expected a prior kernel [${d}, ${k}] (${d * k} values), got ${prior.kernel.length}`,
    );
  }
  if (!(l2 >= 0) || !Number.isFinite(l2)) {
    throw new RangeError(`fitSoftmaxHead: expected a finite l2 ≥ 0, got ${l2}`);
  }
  // Fit on standardised features (zero mean, unit variance per column: far fewer L-BFGS
  // iterations for post-ReLU averages) with the same objective, then map back:
  // z = f·W + b = f′·V + c with V_j = σ_j·W_j, c = b + Σ_j μ_j·W_j.
  const { mean, scale, standardised } = standardise(data);
  const probabilities = new Float64Array(n * k);
  const toHead = (x: Float64Array): SoftmaxHead => {
    const kernel = new Float64Array(d * k);
    const bias = Float64Array.from(x.subarray(d * k));
    for (let j = 0; j < d; j++) {
      for (let c = 0; c < k; c++) {
        kernel[j * k + c] = x[j * k + c] / scale[j];
        bias[c] -= mean[j] * kernel[j * k + c];
      }
    }
    return { kernel, bias };
  };
  const objective = (x: Float64Array, gradient: Float64Array): number => {
    const loss = headProbabilities(
      { kernel: x.subarray(0, d * k), bias: x.subarray(d * k) },
      standardised,
      probabilities,
    );
    crossEntropyGradient(standardised, probabilities, k, gradient);
    let penalty = 0;
    for (let j = 0; j < d; j++) {
      for (let c = 0; c < k; c++) {
        const delta = x[j * k + c] / scale[j] - prior.kernel[j * k + c];
        penalty += delta * delta;
        gradient[j * k + c] += (l2 * delta) / scale[j];
      }
    }
    return loss + 0.5 * l2 * penalty;
  };
  const start = new Float64Array(d * k + k);
  start.set(prior.bias, d * k);
  for (let j = 0; j < d; j++) {
    for (let c = 0; c < k; c++) {
      start[j * k + c] = prior.kernel[j * k + c] * scale[j];
      start[d * k + c] += mean[j] * prior.kernel[j * k + c];
    }
  }
  const r = minimizeLbfgs(objective, start, {
    gradientTolerance: 1e-7,
    maxIterations: 2000,
    ...options.lbfgs,
  });
  const head = toHead(r.x);
  return {
    head,
    objective: r.value,
    loss: headProbabilities(head, data, probabilities),
    iterations: r.iterations,
    converged: r.converged,
  };
}

/** Column means and standard deviations (1 for a constant column), and the standardised rows. */
function standardise(data: HeadDataset): {
  mean: Float64Array;
  scale: Float64Array;
  standardised: HeadDataset;
} {
  const { dim: d, labels } = data;
  const n = labels.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data.features[i * d + j] / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) scale[j] += (data.features[i * d + j] - mean[j]) ** 2 / n;
  }
  for (let j = 0; j < d; j++) scale[j] = scale[j] > 1e-24 ? Math.sqrt(scale[j]) : 1;
  const features = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      features[i * d + j] = (data.features[i * d + j] - mean[j]) / scale[j];
  }
  return { mean, scale, standardised: { features, labels, dim: d } };
}

/**
 * The gradient of the mean cross-entropy with respect to `[kernel, bias]`, written to `gradient`:
 * Fᵀ(P − Y)/n and Σ(P − Y)/n. `probabilities` (`[n, k]`) is overwritten with (P − Y)/n.
 */
function crossEntropyGradient(
  data: HeadDataset,
  probabilities: Float64Array,
  k: number,
  gradient: Float64Array,
): void {
  const { dim: d, labels } = data;
  const n = labels.length;
  gradient.fill(0);
  for (let i = 0; i < n; i++) {
    const row = probabilities.subarray(i * k, (i + 1) * k);
    row[labels[i]] -= 1;
    for (let c = 0; c < k; c++) {
      row[c] /= n;
      gradient[d * k + c] += row[c];
    }
    for (let j = 0; j < d; j++) {
      const f = data.features[i * d + j];
      for (let c = 0; c < k; c++) gradient[j * k + c] += f * row[c];
    }
  }
}
