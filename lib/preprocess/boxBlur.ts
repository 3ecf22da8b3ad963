/** Mean filter over a square window, separable running sums (O(1) per pixel). */
import { createGray8Image, type Gray8Image } from './grayImage';

/**
 * Box (moving-average) blur of an 8-bit image; the window is clipped at the borders (mean over
 * the pixels inside the image).
 * @param image 8-bit image; not modified.
 * @param radius Half-size r ≥ 0: the window is (2r+1)×(2r+1).
 * @returns A new 8-bit image (rounded means).
 */
export function boxBlur(image: Gray8Image, radius: number): Gray8Image {
  const { width, height, data } = image;
  const out = createGray8Image(width, height);
  if (radius <= 0) {
    out.data.set(data);
    return out;
  }
  // Separable: horizontal window sums, then vertical sums of those; the clipped window area is
  // (columns inside) × (rows inside), so the mean equals the 2-D clipped mean exactly.
  const horizontal = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width); x++) sum += data[row + x];
    for (let x = 0; x < width; x++) {
      if (x + radius < width) sum += data[row + x + radius];
      if (x - radius - 1 >= 0) sum -= data[row + x - radius - 1];
      horizontal[row + x] = sum;
    }
  }
  const colCount = new Float64Array(width);
  for (let x = 0; x < width; x++)
    colCount[x] = Math.min(width, x + radius + 1) - Math.max(0, x - radius);
  const acc = new Float64Array(width);
  for (let y = 0; y < Math.min(radius, height); y++) {
    for (let x = 0; x < width; x++) acc[x] += horizontal[y * width + x];
  }
  for (let y = 0; y < height; y++) {
    if (y + radius < height) {
      const r = (y + radius) * width;
      for (let x = 0; x < width; x++) acc[x] += horizontal[r + x];
    }
    if (y - radius - 1 >= 0) {
      const r = (y - radius - 1) * width;
      for (let x = 0; x < width; x++) acc[x] -= horizontal[r + x];
    }
    const rows = Math.min(height, y + radius + 1) - Math.max(0, y - radius);
    const o = y * width;
    for (let x = 0; x < width; x++) out.data[o + x] = Math.round(acc[x] / (rows * colCount[x]));
  }
  return out;
}
