/**
 * Connected-component labelling of binary masks (flood fill with an explicit stack), the
 * largest component, and hole filling.
 */
import { createGray8Image, type BinaryMask } from './grayImage';

/** Labels of the components of a mask. */
export interface Components {
  /** Label per pixel: 0 background, 1…count the component. */
  labels: Int32Array;
  /** Number of components. */
  count: number;
  /** Pixel count per label (index 0 unused). */
  sizes: number[];
}

/**
 * Label the 4- or 8-connected components of the nonzero pixels.
 * @param mask 0/1 mask.
 * @param connectivity 4 or 8 (default 8).
 */
export function labelComponents(mask: BinaryMask, connectivity: 4 | 8 = 8): Components {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  const sizes = [0];
  const stack = new Int32Array(width * height);
  let count = 0;
  const diagonal = connectivity === 8;
  for (let start = 0; start < data.length; start++) {
    if (!data[start] || labels[start]) continue;
    count++;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = count;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const x = p % width;
      const left = x > 0;
      const right = x < width - 1;
      const up = p >= width;
      const down = p < data.length - width;
      // Visit a neighbour q: foreground and not yet labelled.
      if (left && data[p - 1] && !labels[p - 1]) {
        labels[p - 1] = count;
        stack[top++] = p - 1;
      }
      if (right && data[p + 1] && !labels[p + 1]) {
        labels[p + 1] = count;
        stack[top++] = p + 1;
      }
      if (up) {
        const q = p - width;
        if (data[q] && !labels[q]) {
          labels[q] = count;
          stack[top++] = q;
        }
        if (diagonal && left && data[q - 1] && !labels[q - 1]) {
          labels[q - 1] = count;
          stack[top++] = q - 1;
        }
        if (diagonal && right && data[q + 1] && !labels[q + 1]) {
          labels[q + 1] = count;
          stack[top++] = q + 1;
        }
      }
      if (down) {
        const q = p + width;
        if (data[q] && !labels[q]) {
          labels[q] = count;
          stack[top++] = q;
        }
        if (diagonal && left && data[q - 1] && !labels[q - 1]) {
          labels[q - 1] = count;
          stack[top++] = q - 1;
        }
        if (diagonal && right && data[q + 1] && !labels[q + 1]) {
          labels[q + 1] = count;
          stack[top++] = q + 1;
        }
      }
    }
    sizes.push(size);
  }
  return { labels, count, sizes };
}

/**
 * The largest 8-connected component of a mask (ties: the one found first in raster order).
 * @param mask 0/1 mask; not modified.
 * @returns A new 0/1 mask with only that component, and its share of all foreground pixels.
 */
export function largestComponent(mask: BinaryMask): {
  mask: BinaryMask;
  count: number;
  share: number;
} {
  const { labels, count, sizes } = labelComponents(mask, 8);
  const out = createGray8Image(mask.width, mask.height);
  if (count === 0) return { mask: out, count: 0, share: 0 };
  let best = 1;
  let total = 0;
  for (let l = 1; l <= count; l++) {
    total += sizes[l];
    if (sizes[l] > sizes[best]) best = l;
  }
  for (let i = 0; i < labels.length; i++) if (labels[i] === best) out.data[i] = 1;
  return { mask: out, count, share: sizes[best] / total };
}

/**
 * Fill the holes of a mask: background pixels not 4-connected to the image border become
 * foreground.
 * @param mask 0/1 mask; not modified.
 * @returns A new 0/1 mask.
 */
export function fillHoles(mask: BinaryMask): BinaryMask {
  const { width, height, data } = mask;
  const outside = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  let top = 0;
  const seed = (p: number): void => {
    if (!data[p] && !outside[p]) {
      outside[p] = 1;
      stack[top++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (top > 0) {
    const p = stack[--top];
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < (height - 1) * width) seed(p + width);
  }
  const out = createGray8Image(width, height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = outside[i] ? 0 : 1;
  return out;
}
