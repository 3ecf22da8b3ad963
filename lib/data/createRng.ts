/**
 * A small seeded pseudo-random generator (mulberry32, Tommy Ettinger 2017) whose whole state is
 * one unsigned 32-bit integer, so that a training run can save the position and resume exactly.
 * Not cryptographic; period 2^32, good enough for shuffling, augmentation, phantom texture and
 * bootstrap resampling (`bootstrapCi` uses `createRng(seed, { rawState: true })`). The one seeded
 * generator of the project.
 */

/** A seeded random source. Every draw advances {@link Rng.state} by one step (normal: two). */
export interface Rng {
  /** Uniform float in [0, 1) (32 bits of resolution). */
  next(): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n) for n ≥ 1. */
  int(n: number): number;
  /** Standard normal draw (Box–Muller; consumes exactly two uniforms, nothing cached). */
  normal(): number;
  /** The current state (unsigned 32-bit integer); {@link Rng.setState} restores it. */
  state(): number;
  /** Restore a state saved with {@link Rng.state}. */
  setState(state: number): void;
  /** A new independent generator seeded from this one (consumes one draw). */
  fork(): Rng;
}

/**
 * Hash any integer or string seed to a 32-bit state (so that seeds 0, 1, 2… give unrelated
 * streams). Strings are hashed with FNV-1a.
 * @param seed Integer (any sign/size, truncated to 53-bit safe integer) or string.
 * @returns Unsigned 32-bit integer.
 */
export function hashSeed(seed: number | string): number {
  let h = 0x811c9dc5;
  const s = typeof seed === 'string' ? seed : `#${Math.trunc(seed)}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Create a seeded generator.
 * @param seed Integer or string seed; the same seed always gives the same sequence.
 * @param options `rawState: true` uses `seed` directly as the 32-bit state (what
 *   {@link Rng.state} returned) instead of hashing it.
 * @returns A generator; see {@link Rng}.
 */
export function createRng(seed: number | string, options: { rawState?: boolean } = {}): Rng {
  let a = options.rawState ? Number(seed) >>> 0 : hashSeed(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => {
      if (!(Number.isInteger(n) && n >= 1)) {
        throw new Error(`rng.int: expected a whole number n ≥ 1, got ${n}`);
      }
      return Math.floor(next() * n);
    },
    normal: () => {
      const u1 = next();
      const u2 = next();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    },
    state: () => a,
    setState: (s) => {
      a = s >>> 0;
    },
    fork: () => createRng(Math.floor(next() * 4294967296), { rawState: true }),
  };
  return rng;
}

/**
 * Fisher–Yates shuffle of `0 … n−1` with a seeded generator.
 * @param n Number of items.
 * @param rng Generator (advanced by n−1 draws).
 * @returns A permutation of the indices.
 */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}
