/**
 * A small seeded pseudo-random generator (mulberry32, T. Ettinger 2017), so that bootstrap
 * intervals are reproducible run to run and machine to machine.
 */

/**
 * Create a generator.
 * @param seed Any whole number (taken modulo 2³²).
 * @returns A function giving uniform numbers in [0, 1), 2³² distinct values; a new, independent
 *   state per call of `createSeededRandom`.
 */
export function createSeededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
