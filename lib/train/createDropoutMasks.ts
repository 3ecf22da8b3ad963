/**
 * Dropout masks drawn from the project's seeded generator, shared by both training engines so that
 * a run is reproducible (the position is saved in checkpoints) and the engines can be compared step
 * for step: element-wise Bernoulli(1 − rate), kept elements scaled by 1/(1 − rate), as Keras's
 * dropout (Srivastava et al., JMLR 15 (2014) 1929, "inverted" scaling).
 */
import { createRng } from '../data/createRng';

/** A seeded source of dropout masks; {@link DropoutMasks.state} is its position. */
export interface DropoutMasks {
  /**
   * The next mask of one layer for a batch of n, in NCHW element order (the ONNX graph's layout).
   * @param n Batch size ≥ 1.
   * @param shape NCHW shape of the layer's value, batch entry ignored (`[-1, C, H, W]`).
   * @param rate Drop probability in [0, 1).
   * @returns `n·C·H·W` values, each 0 or 1/(1 − rate); a new array the caller owns.
   */
  draw(n: number, shape: readonly number[], rate: number): Float32Array;
  /** Position of the generator (save it to resume). */
  state(): number;
  /** Restore a {@link state}. */
  setState(state: number): void;
}

/**
 * Create the mask source of a training run.
 * @param seed The run's seed (the stream is `dropout#<seed>`, apart from weights and data order).
 */
export function createDropoutMasks(seed: number): DropoutMasks {
  const rng = createRng(`dropout#${seed}`);
  return {
    draw(n, shape, rate) {
      if (!(Number.isInteger(n) && n >= 1 && rate >= 0 && rate < 1)) {
        throw new RangeError(
          `DropoutMasks.draw: expected n ≥ 1 and rate in [0, 1), got ${n}, ${rate}`,
        );
      }
      const size = n * shape.slice(1).reduce((a, b) => a * b, 1);
      const keep = 1 / (1 - rate);
      const mask = new Float32Array(size);
      for (let i = 0; i < size; i++) mask[i] = rng.next() < rate ? 0 : keep;
      return mask;
    },
    state: () => rng.state(),
    setState: (state) => rng.setState(state),
  };
}
