/** Binary erosion and dilation with a square structuring element (separable running counts, O(1) per pixel). */
import { createGray8Image, type BinaryMask } from './grayImage';

function windowCounts(
  mask: BinaryMask,
  radius: number,
  test: (count: number, area: number) => boolean,
): BinaryMask {
  const { width, height, data } = mask;
  // Separable counts: horizontal window counts, then vertical sums of those.
  const horizontal = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let c = 0;
    for (let x = 0; x < Math.min(radius, width); x++) c += data[row + x] ? 1 : 0;
    for (let x = 0; x < width; x++) {
      if (x + radius < width && data[row + x + radius]) c++;
      if (x - radius - 1 >= 0 && data[row + x - radius - 1]) c--;
      horizontal[row + x] = c;
    }
  }
  const colCount = new Int32Array(width);
  for (let x = 0; x < width; x++)
    colCount[x] = Math.min(width, x + radius + 1) - Math.max(0, x - radius);
  const acc = new Int32Array(width);
  for (let y = 0; y < Math.min(radius, height); y++) {
    for (let x = 0; x < width; x++) acc[x] += horizontal[y * width + x];
  }
  const out = createGray8Image(width, height);
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
    for (let x = 0; x < width; x++) out.data[o + x] = test(acc[x], rows * colCount[x]) ? 1 : 0;
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
