/**
 * Choose the penalty λ of {@link fitSoftmaxHead} by stratified k-fold cross-validation on the
 * fitting images alone: for each λ of a grid, fit on k − 1 folds and measure the mean
 * cross-entropy on the fold left out; the λ with the lowest mean over the folds wins (ties: the
 * larger λ, the head closer to the trained one). The trained head itself (λ = ∞) is measured on
 * the same folds for comparison.
 */
import { createRng, shuffledIndices } from '../data/createRng';
import { fitSoftmaxHead } from './fitSoftmaxHead';
import { evaluateSoftmaxHead, type HeadDataset, type SoftmaxHead } from './softmaxHead';

/** Default grid: 1e-5 … 1 in half-decades, largest first. */
export const DEFAULT_HEAD_L2_GRID: readonly number[] = Array.from(
  { length: 11 },
  (_, i) => 10 ** (-i / 2),
);

/** Options of {@link chooseHeadL2}. */
export interface ChooseHeadL2Options {
  /** The head being refitted (prior and start of every fit). */
  prior: SoftmaxHead;
  /** Candidate λ values (> 0). Default {@link DEFAULT_HEAD_L2_GRID}. */
  grid?: readonly number[];
  /** Folds, 2 … n. Default 5. */
  folds?: number;
  /** Seed of the fold assignment. Default 0. */
  seed?: number;
}

/** Cross-validated figures of one λ (`Infinity`: the prior head unchanged). */
export interface HeadL2Score {
  l2: number;
  /** Mean over the folds of the held-out mean cross-entropy. */
  loss: number;
  /** Held-out accuracy over all images (each image is held out once). */
  accuracy: number;
}

/** Result of {@link chooseHeadL2}. */
export interface ChooseHeadL2Result {
  /** The chosen λ. */
  l2: number;
  /** One row per grid value in grid order, then the prior (λ = ∞). */
  scores: HeadL2Score[];
}

/** Stratified fold of every image: each class's images shuffled, then dealt in turn. */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed: number): number[] {
  const rng = createRng(`head-folds:${seed}`);
  const fold = new Array<number>(labels.length).fill(0);
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  let next = 0;
  for (const c of classes) {
    const members = Array.from(labels, (y, i) => (y === c ? i : -1)).filter((i) => i >= 0);
    for (const j of shuffledIndices(members.length, rng)) fold[members[j]] = next++ % folds;
  }
  return fold;
}

/** Rows of `data` whose fold is (`keep` true) or is not (`keep` false) `f`. */
function subset(data: HeadDataset, fold: number[], f: number, keep: boolean): HeadDataset {
  const rows = fold.flatMap((g, i) => ((g === f) === keep ? [i] : []));
  const features = new Float64Array(rows.length * data.dim);
  rows.forEach((r, i) =>
    features.set(
      Array.prototype.slice.call(data.features, r * data.dim, (r + 1) * data.dim),
      i * data.dim,
    ),
  );
  return { features, labels: rows.map((r) => data.labels[r]), dim: data.dim };
}

/**
 * Cross-validate every λ of the grid.
 * @param data Pooled features and labels of the fitting images.
 * @returns The chosen λ and the score of every candidate.
 * @throws RangeError for fewer than 2 folds, more folds than images, or a bad grid value.
 */
export function chooseHeadL2(data: HeadDataset, options: ChooseHeadL2Options): ChooseHeadL2Result {
  const grid = options.grid ?? DEFAULT_HEAD_L2_GRID;
  const folds = options.folds ?? 5;
  const n = data.labels.length;
  if (!Number.isInteger(folds) || folds < 2 || folds > n) {
    throw new RangeError(`chooseHeadL2: expected 2 … ${n} folds, got ${folds}`);
  }
  if (grid.length === 0 || !grid.every((l) => l > 0 && Number.isFinite(l))) {
    throw new RangeError(`chooseHeadL2: expected finite λ > 0, got [${grid.join(', ')}]`);
  }
  const fold = stratifiedFolds(data.labels, folds, options.seed ?? 0);
  const parts = Array.from({ length: folds }, (_, f) => ({
    fit: subset(data, fold, f, false),
    held: subset(data, fold, f, true),
  }));
  const score = (l2: number, headOf: (fit: HeadDataset) => SoftmaxHead): HeadL2Score => {
    let loss = 0;
    let correct = 0;
    for (const { fit, held } of parts) {
      const e = evaluateSoftmaxHead(headOf(fit), held);
      loss += e.loss / folds;
      correct += e.accuracy * held.labels.length;
    }
    return { l2, loss, accuracy: correct / n };
  };
  const scores = grid.map((l2) =>
    score(l2, (fit) => fitSoftmaxHead(fit, { l2, prior: options.prior }).head),
  );
  let best = scores[0];
  for (const s of scores) {
    if (s.loss < best.loss || (s.loss === best.loss && s.l2 > best.l2)) best = s;
  }
  scores.push(score(Infinity, () => options.prior));
  return { l2: best.l2, scores };
}
