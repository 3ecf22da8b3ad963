/** Mean filter over a square window, with an integral image (O(1) per pixel). */
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
  const W = width + 1;
  const sat = new Float64Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += data[y * width + x];
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1] + rowSum;
    }
  }
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - radius);
    const yb = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const xa = Math.max(0, x - radius);
      const xb = Math.min(width, x + radius + 1);
      const s = sat[yb * W + xb] - sat[ya * W + xb] - sat[yb * W + xa] + sat[ya * W + xa];
      out.data[y * width + x] = Math.round(s / ((yb - ya) * (xb - xa)));
    }
  }
  return out;
}
