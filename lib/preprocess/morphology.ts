/** Binary erosion and dilation with a square structuring element (integral image, O(1) per pixel). */
import { createGray8Image, type BinaryMask } from './grayImage';

function windowCounts(
  mask: BinaryMask,
  radius: number,
  test: (count: number, area: number) => boolean,
): BinaryMask {
  const { width, height, data } = mask;
  const W = width + 1;
  const sat = new Int32Array(W * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += data[y * width + x] ? 1 : 0;
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1] + rowSum;
    }
  }
  const out = createGray8Image(width, height);
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - radius);
    const yb = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const xa = Math.max(0, x - radius);
      const xb = Math.min(width, x + radius + 1);
      const c = sat[yb * W + xb] - sat[ya * W + xb] - sat[yb * W + xa] + sat[ya * W + xa];
      out.data[y * width + x] = test(c, (yb - ya) * (xb - xa)) ? 1 : 0;
    }
  }
  return out;
}

/**
 * Binary erosion by a (2r+1)×(2r+1) square; pixels outside the image count as foreground
 * (the window is clipped), so a mask touching the border is not eaten from the border.
 * @param mask 0/1 mask; not modified.
 * @param radius r ≥ 0.
 */
export function erodeMask(mask: BinaryMask, radius: number): BinaryMask {
  return windowCounts(mask, radius, (c, area) => c === area);
}

/**
 * Binary dilation by a (2r+1)×(2r+1) square.
 * @param mask 0/1 mask; not modified.
 * @param radius r ≥ 0.
 */
export function dilateMask(mask: BinaryMask, radius: number): BinaryMask {
  return windowCounts(mask, radius, (c) => c > 0);
}
