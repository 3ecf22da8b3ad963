/**
 * Unconstrained minimisation of a smooth function by limited-memory BFGS (J. Nocedal,
 * *Updating quasi-Newton matrices with limited storage*, Math. Comp. 35, 1980; the two-loop
 * recursion and the initial scaling γ = sᵀy / yᵀy of J. Nocedal & S. Wright, *Numerical
 * Optimization*, 2nd ed., algorithms 7.4–7.5), with a backtracking Armijo line search.
 *
 * Used for the convex refit of the classifier head (`fitSoftmaxHead`): about a thousand
 * parameters, a full-batch objective, where first-order steps would need thousands of passes.
 * (TF.js, the project's tensor library, has only first-order optimisers.)
 */

/** Objective: writes ∂f/∂x into `gradient` (same length as `x`) and returns f(x). */
export type LbfgsObjective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Correction pairs kept. Default 10. */
  memory?: number;
  /** Iterations at most. Default 1000. */
  maxIterations?: number;
  /** Converged when max |∂f/∂xᵢ| ≤ this. Default 1e-6. */
  gradientTolerance?: number;
  /** Converged when an iteration lowers f by ≤ this · max(1, |f|). Default 1e-12. */
  valueTolerance?: number;
}

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  /** The minimiser found (a new array). */
  x: Float64Array;
  /** f(x). */
  value: number;
  /** Largest |∂f/∂xᵢ| at x. */
  gradientNorm: number;
  /** Iterations taken. */
  iterations: number;
  /** Whether a tolerance was met (false: out of iterations, or no descent step found). */
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/** d = −H·g by the two-loop recursion over the stored pairs (oldest first). */
function searchDirection(
  g: Float64Array,
  pairs: ReadonlyArray<{ s: Float64Array; y: Float64Array; rho: number }>,
): Float64Array {
  const q = Float64Array.from(g);
  const alpha = new Float64Array(pairs.length);
  for (let i = pairs.length - 1; i >= 0; i--) {
    const { s, y, rho } = pairs[i];
    alpha[i] = rho * dot(s, q);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * y[j];
  }
  const last = pairs[pairs.length - 1];
  // No pair yet: a first step of unit length along −g.
  const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.max(maxAbs(g), 1e-300);
  for (let j = 0; j < q.length; j++) q[j] *= gamma;
  for (let i = 0; i < pairs.length; i++) {
    const { s, y, rho } = pairs[i];
    const beta = rho * dot(y, q);
    for (let j = 0; j < q.length; j++) q[j] += s[j] * (alpha[i] - beta);
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j];
  return q;
}

/**
 * Minimise `objective` from `x0`.
 * @param objective f and its gradient (see {@link LbfgsObjective}); must be finite at `x0`.
 * @param x0 Starting point (not modified).
 * @returns The last iterate, its value and gradient norm, and whether it converged.
 * @throws RangeError when f(x0) or its gradient is not finite.
 */
export function minimizeLbfgs(
  objective: LbfgsObjective,
  x0: ArrayLike<number>,
  options: LbfgsOptions = {},
): LbfgsResult {
  const memory = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gTol = options.gradientTolerance ?? 1e-6;
  const fTol = options.valueTolerance ?? 1e-12;
  let x = Float64Array.from(x0);
  let g = new Float64Array(x.length);
  let f = objective(x, g);
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    throw new RangeError(
      `minimizeLbfgs: the objective or its gradient is not finite at x0 (f = ${f})`,
    );
  }
  const pairs: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let iterations = 0;
  let converged = maxAbs(g) <= gTol;
  while (!converged && iterations < maxIterations) {
    let d = searchDirection(g, pairs);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      pairs.length = 0;
      d = searchDirection(g, pairs);
      slope = dot(g, d);
    }
    const step = backtrack(objective, x, f, d, slope);
    if (!step) break;
    iterations++;
    const s = step.x.map((v, i) => v - x[i]);
    const y = step.g.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
    }
    const decrease = f - step.f;
    [x, g, f] = [step.x, step.g, step.f];
    converged = maxAbs(g) <= gTol || decrease <= fTol * Math.max(1, Math.abs(f));
  }
  return { x, value: f, gradientNorm: maxAbs(g), iterations, converged };
}

/** Armijo backtracking from t = 1 along d: the first t with f(x + t·d) ≤ f + 1e-4·t·slope. */
function backtrack(
  objective: LbfgsObjective,
  x: Float64Array,
  f: number,
  d: Float64Array,
  slope: number,
): { x: Float64Array; g: Float64Array; f: number } | null {
  const g = new Float64Array(x.length);
  for (let t = 1, tries = 0; tries < 50; t *= 0.5, tries++) {
    const xt = x.map((v, i) => v + t * d[i]);
    const ft = objective(xt, g);
    if (Number.isFinite(ft) && ft <= f + 1e-4 * t * slope) return { x: xt, g, f: ft };
  }
  return null;
}
