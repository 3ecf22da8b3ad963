/** Gray-level histograms of 8-bit images and percentiles read from them. */

/**
 * The 256-bin histogram of an 8-bit image, optionally restricted to a mask.
 * @param data 8-bit samples.
 * @param mask Optional 0/1 mask of the same length: only pixels with mask 1 are counted.
 * @returns Counts per gray level 0–255.
 */
export function grayHistogram(data: Uint8Array, mask?: Uint8Array | null): Float64Array {
  const h = new Float64Array(256);
  if (mask) {
    for (let i = 0; i < data.length; i++) if (mask[i]) h[data[i]]++;
  } else {
    for (let i = 0; i < data.length; i++) h[data[i]]++;
  }
  return h;
}

/**
 * The smallest level v with cumulative count > p/100 · total (a lower percentile; the median for p = 50).
 * @param histogram Counts per level.
 * @param p Percentile in [0, 100].
 * @returns A level index, or NaN for an empty histogram.
 */
export function histogramPercentile(histogram: ArrayLike<number>, p: number): number {
  let total = 0;
  for (let v = 0; v < histogram.length; v++) total += histogram[v];
  if (total === 0) return NaN;
  const k = Math.min(total - 1, Math.floor((p / 100) * total));
  let acc = 0;
  for (let v = 0; v < histogram.length; v++) {
    acc += histogram[v];
    if (acc > k) return v;
  }
  return histogram.length - 1;
}

/**
 * Mean level of a histogram (NaN when empty).
 * @param histogram Counts per level.
 */
export function histogramMean(histogram: ArrayLike<number>): number {
  let total = 0;
  let sum = 0;
  for (let v = 0; v < histogram.length; v++) {
    total += histogram[v];
    sum += v * histogram[v];
  }
  return total === 0 ? NaN : sum / total;
}
