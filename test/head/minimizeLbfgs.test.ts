/**
 * L-BFGS on functions with known minima: convex quadratics (well and badly conditioned),
 * Rosenbrock's valley, and the refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeLbfgs, type LbfgsObjective } from '../../lib/head/minimizeLbfgs';

/** f(x) = ½ Σ aᵢ (xᵢ − cᵢ)², minimum at c. */
function quadratic(a: number[], c: number[]): LbfgsObjective {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      g[i] = a[i] * (x[i] - c[i]);
      f += 0.5 * a[i] * (x[i] - c[i]) ** 2;
    }
    return f;
  };
}

const rosenbrock: LbfgsObjective = (x, g) => {
  const [a, b] = [x[0], x[1]];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

const CASES: { name: string; f: LbfgsObjective; x0: number[]; min: number[]; tol: number }[] = [
  {
    name: 'isotropic quadratic',
    f: quadratic([1, 1, 1], [1, -2, 3]),
    x0: [0, 0, 0],
    min: [1, -2, 3],
    tol: 1e-7,
  },
  {
    name: 'quadratic with condition number 1e6',
    f: quadratic([1e-3, 1, 1e3], [5, -1, 0.25]),
    x0: [0, 0, 0],
    min: [5, -1, 0.25],
    tol: 1e-4,
  },
  { name: 'Rosenbrock from (−1.2, 1)', f: rosenbrock, x0: [-1.2, 1], min: [1, 1], tol: 1e-5 },
];

for (const c of CASES) {
  test(`minimizeLbfgs: ${c.name}`, () => {
    const r = minimizeLbfgs(c.f, c.x0, { gradientTolerance: 1e-10, valueTolerance: 0 });
    assert.ok(r.converged, `not converged after ${r.iterations} iterations`);
    r.x.forEach((v, i) =>
      assert.ok(Math.abs(v - c.min[i]) <= c.tol, `x[${i}] = ${v}, expected ${c.min[i]}`),
    );
    assert.ok(r.gradientNorm <= 1e-10 || r.value <= 1e-15);
  });
}

test('minimizeLbfgs: x0 is not modified and a start at the minimum takes no step', () => {
  const x0 = [1, -2, 3];
  const r = minimizeLbfgs(quadratic([1, 2, 3], [1, -2, 3]), x0);
  assert.deepEqual(x0, [1, -2, 3]);
  assert.equal(r.iterations, 0);
  assert.ok(r.converged);
});

test('minimizeLbfgs: the iteration limit is kept and reported as not converged', () => {
  const r = minimizeLbfgs(rosenbrock, [-1.2, 1], {
    maxIterations: 3,
    gradientTolerance: 1e-12,
    valueTolerance: 0,
  });
  assert.equal(r.iterations, 3);
  assert.equal(r.converged, false);
});

test('minimizeLbfgs: a non-finite objective at x0 is refused', () => {
  assert.throws(() => minimizeLbfgs(() => NaN, [0]), /not finite at x0/);
});
