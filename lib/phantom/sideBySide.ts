/**
 * A comparison sheet: real sample mammograms next to phantoms of the same projection and class,
 * for judging the phantoms by eye (`scripts/side-by-side.js`, README "Data and phantoms").
 */
import type { GrayImage } from '../data/loadImage';
import { resizeAreaToHeight } from '../io/resizeAreaToHeight';

/**
 * Shrink (or enlarge) a gray image to a given height, keeping the aspect ratio, by area
 * averaging (each output pixel is the mean of the source pixels it covers; nearest when
 * enlarging).
 * @returns A new image of height `height`.
 */
export function resizeToHeight(img: GrayImage, height: number): GrayImage {
  const out = resizeAreaToHeight(img.data, img.width, img.height, 1, height);
  return { ...img, width: out.width, height, data: out.data };
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
