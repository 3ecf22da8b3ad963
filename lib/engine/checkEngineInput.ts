/** The input check shared by both engines: a batch of NHWC images of the model's input size. */

/**
 * Check that `input` holds `batch` images of `shape`.
 * @param input float32 NHWC values, `batch × H × W × C`.
 * @param batch Images in the batch, a whole number ≥ 1.
 * @param shape `[H, W, C]` of the model input.
 * @throws Error saying how many values were expected and how many arrived.
 */
export function checkEngineInput(
  input: Float32Array,
  batch: number,
  shape: readonly [number, number, number],
): void {
  const per = shape[0] * shape[1] * shape[2];
  if (!Number.isInteger(batch) || batch < 1 || input.length !== batch * per) {
    throw new Error(
      `engine: expected ${batch} image(s) of ${shape.join('×')} (${batch * per} values), got ${input.length} values`,
    );
  }
}
