/**
 * The classifier head of the density network as plain arrays: `dense_1`, scores z = f·W + b of a
 * pooled feature vector f (the global average of the last residual block's activations), then
 * the softmax. Pure functions, shared by the refit ({@link fitSoftmaxHead}) and its evaluation.
 */

/** A dense softmax head: kernel `[d, k]` row-major (Keras layout), bias `[k]`. */
export interface SoftmaxHead {
  kernel: Float64Array;
  bias: Float64Array;
}

/** Features and labels of a set of images. */
export interface HeadDataset {
  /** Row-major `[n, d]` pooled features. */
  features: ArrayLike<number>;
  /** Class index of each row, integers in [0, k). */
  labels: ArrayLike<number>;
  /** Feature length d. */
  dim: number;
}

/** Mean cross-entropy and accuracy of a head on a dataset. */
export interface HeadEvaluation {
  /** Mean −log p(true class) (Keras categorical cross-entropy, natural log). */
  loss: number;
  /** Fraction of rows whose arg-max is the true class (first maximum on ties). */
  accuracy: number;
  /** Row-major `[n, k]` softmax probabilities. */
  probabilities: Float64Array;
}

/**
 * Check a dataset against a head's shape.
 * @throws RangeError naming what was expected and what arrived.
 */
export function checkHeadDataset(data: HeadDataset, classes: number): number {
  const { features, labels, dim } = data;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`head: expected a feature length ≥ 1, got ${dim}`);
  }
  const n = labels.length;
  if (n < 1 || features.length !== n * dim) {
    throw new RangeError(
      `head: expected features [n, ${dim}] for ${n} labels (${n * dim} values), got ${features.length} values`,
    );
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new RangeError(`head: label ${i} is ${y}, expected an integer in [0, ${classes})`);
    }
  }
  return n;
}

/**
 * Softmax probabilities of every row under `head`, written to `out` (`[n, k]`); returns the
 * mean cross-entropy. Scores are shifted by their row maximum before exponentiation.
 */
export function headProbabilities(head: SoftmaxHead, data: HeadDataset, out: Float64Array): number {
  const k = head.bias.length;
  const { features, labels, dim } = data;
  const n = labels.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * k, (i + 1) * k);
    row.set(head.bias);
    for (let j = 0; j < dim; j++) {
      const f = features[i * dim + j];
      if (f === 0) continue;
      for (let c = 0; c < k; c++) row[c] += f * head.kernel[j * k + c];
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, row[c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += row[c] = Math.exp(row[c] - max);
    for (let c = 0; c < k; c++) row[c] /= sum;
    loss -= Math.log(Math.max(row[labels[i]], Number.MIN_VALUE));
  }
  return loss / n;
}

/**
 * Mean cross-entropy and accuracy of `head` on `data`.
 * @throws RangeError when the shapes or labels do not fit the head.
 */
export function evaluateSoftmaxHead(head: SoftmaxHead, data: HeadDataset): HeadEvaluation {
  const k = head.bias.length;
  const n = checkHeadDataset(data, k);
  if (head.kernel.length !== data.dim * k) {
    throw new RangeError(
      `head: expected a kernel [${data.dim}, ${k}] (${data.dim * k} values), got ${head.kernel.length}`,
    );
  }
  const probabilities = new Float64Array(n * k);
  const loss = headProbabilities(head, data, probabilities);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++)
      if (probabilities[i * k + c] > probabilities[i * k + best]) best = c;
    if (best === data.labels[i]) correct++;
  }
  return { loss, accuracy: correct / n, probabilities };
}
