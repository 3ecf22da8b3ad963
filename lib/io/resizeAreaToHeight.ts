/**
 * Area-averaging resize of 8-bit interleaved pixels, for picture sheets (Grad-CAM montages,
 * phantom comparison sheets). Not the network's resize: the network input uses Pillow's nearest
 * neighbour (`resizeNearest`), as the original preprocessing did.
 */

/**
 * Resize to a given height, keeping the aspect ratio: each output pixel is the mean of the source
 * pixels it covers (a box filter, like OpenCV's `INTER_AREA` when shrinking); nearest when
 * enlarging.
 * @param data Interleaved 8-bit pixels, `width · height · channels` values.
 * @param width Source width (≥ 1).
 * @param height Source height (≥ 1).
 * @param channels Values per pixel (1 gray, 3 RGB, 4 RGBA).
 * @param targetHeight Output height (integer ≥ 1); the width is `round(width · targetHeight / height)`, at least 1.
 * @returns The new pixels and width.
 */
export function resizeAreaToHeight(
  data: Uint8Array,
  width: number,
  height: number,
  channels: number,
  targetHeight: number,
): { data: Uint8Array; width: number } {
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `resizeAreaToHeight: expected ${width}×${height}×${channels} = ${width * height * channels} values, got ${data.length}`,
    );
  }
  if (!Number.isInteger(targetHeight) || targetHeight < 1) {
    throw new RangeError(`resizeAreaToHeight: expected an integer height ≥ 1, got ${targetHeight}`);
  }
  const outWidth = Math.max(1, Math.round((width * targetHeight) / height));
  const out = new Uint8Array(outWidth * targetHeight * channels);
  const sx = width / outWidth;
  const sy = height / targetHeight;
  const sums = new Float64Array(channels);
  for (let y = 0; y < targetHeight; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < outWidth; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      sums.fill(0);
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const o = (yy * width + xx) * channels;
          for (let c = 0; c < channels; c++) sums[c] += data[o + c];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * outWidth + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = Math.round(sums[c] / n);
    }
  }
  return { data: out, width: outWidth };
}
