/**
 * Approximate Euclidean distance of every foreground pixel to the nearest background pixel
 * (two-pass 3-4 chamfer transform, Borgefors 1986; error below 8 %), used for the thickness
 * fall-off towards the skin line. Image edges do not count as background (the chest wall and a
 * breast cut by the top or bottom edge continue outside the image).
 */

/**
 * @param mask 1 = foreground, 0 = background, row-major `[height, width]`.
 * @returns Float32Array of distances in pixels (0 on background; about 3.6e8 when the image has
 *   no background at all).
 */
export function distanceToBackground(
  mask: Uint8Array,
  width: number,
  height: number,
): Float32Array {
  const INF = 1 << 30;
  const d = new Int32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? INF : 0;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const i = o + x;
      if (d[i] === 0) continue;
      let v = d[i];
      if (x > 0 && d[i - 1] + 3 < v) v = d[i - 1] + 3;
      if (y > 0) {
        const u = i - width;
        if (d[u] + 3 < v) v = d[u] + 3;
        if (x > 0 && d[u - 1] + 4 < v) v = d[u - 1] + 4;
        if (x < width - 1 && d[u + 1] + 4 < v) v = d[u + 1] + 4;
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    const o = y * width;
    for (let x = width - 1; x >= 0; x--) {
      const i = o + x;
      if (d[i] === 0) continue;
      let v = d[i];
      if (x < width - 1 && d[i + 1] + 3 < v) v = d[i + 1] + 3;
      if (y < height - 1) {
        const b = i + width;
        if (d[b] + 3 < v) v = d[b] + 3;
        if (x < width - 1 && d[b + 1] + 4 < v) v = d[b + 1] + 4;
        if (x > 0 && d[b - 1] + 4 < v) v = d[b - 1] + 4;
      }
      d[i] = v;
    }
  }
  const out = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] / 3;
  return out;
}
