/**
 * A comparison sheet: real sample mammograms next to phantoms of the same projection and class,
 * for judging the phantoms by eye (`scripts/side-by-side.js`, README "Data and phantoms").
 */
import type { GrayImage } from '../data/loadImage';

/**
 * Shrink (or enlarge) a gray image to a given height, keeping the aspect ratio, by area
 * averaging (each output pixel is the mean of the source pixels it covers; nearest when
 * enlarging).
 * @returns A new image of height `height`.
 */
export function resizeToHeight(img: GrayImage, height: number): GrayImage {
  const width = Math.max(1, Math.round((img.width * height) / img.height));
  const data = new Uint8Array(width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
      let s = 0;
      for (let yy = y0; yy < y1; yy++) {
        const o = yy * img.width;
        for (let xx = x0; xx < x1; xx++) s += img.data[o + xx];
      }
      data[y * width + x] = Math.round(s / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { ...img, width, height, data };
}

/**
 * Lay out rows of images (each scaled to `cellHeight`) on a dark gray sheet.
 * @param rows Images per row, left to right (null leaves a gap of `cellHeight · 0.6`).
 * @param cellHeight Height of every image in pixels.
 * @param gap Pixels between images; pairs (even, odd index) are separated by `gap`, pairs by 3·gap.
 * @returns The sheet (8-bit gray).
 */
export function sideBySide(rows: (GrayImage | null)[][], cellHeight: number, gap = 6): GrayImage {
  const scaled = rows.map((r) => r.map((img) => (img ? resizeToHeight(img, cellHeight) : null)));
  const rowWidth = (r: (GrayImage | null)[]): number =>
    r.reduce(
      (w, img, i) => w + (img ? img.width : Math.round(cellHeight * 0.6)) + (i % 2 ? 3 * gap : gap),
      0,
    );
  const width = Math.max(...scaled.map(rowWidth));
  const height = rows.length * (cellHeight + gap) + gap;
  const data = new Uint8Array(width * height).fill(48);
  scaled.forEach((r, k) => {
    let x = gap;
    const y = gap + k * (cellHeight + gap);
    r.forEach((img, i) => {
      if (img) {
        for (let yy = 0; yy < img.height; yy++) {
          data.set(img.data.subarray(yy * img.width, (yy + 1) * img.width), (y + yy) * width + x);
        }
      }
      x += (img ? img.width : Math.round(cellHeight * 0.6)) + (i % 2 ? 3 * gap : gap);
    });
  });
  return { width, height, data, sourceBitDepth: 8, sourceChannels: 1 };
}
