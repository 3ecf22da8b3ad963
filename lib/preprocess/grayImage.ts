/**
 * The single-channel image and mask types of the preprocessing pipeline, with the geometric
 * operations every step shares (crop, horizontal flip, placing a crop back into a full frame).
 */

/** An 8-bit gray image (0 black … 255 white), row-major. */
export interface Gray8Image {
  /** Width in pixels (columns). */
  width: number;
  /** Height in pixels (rows). */
  height: number;
  /** Row-major samples, length width·height, values 0–255. */
  data: Uint8Array;
}

/** A binary mask with the geometry of a {@link Gray8Image}: data values 0 (out) or 1 (in). */
export type BinaryMask = Gray8Image;

/** An axis-aligned box in pixel coordinates: columns x0 ≤ x < x1, rows y0 ≤ y < y1. */
export interface PixelBox {
  /** First column inside the box. */
  x0: number;
  /** First row inside the box. */
  y0: number;
  /** One past the last column inside the box. */
  x1: number;
  /** One past the last row inside the box. */
  y1: number;
}

/**
 * A new zero-filled image.
 * @param width Columns (positive integer).
 * @param height Rows (positive integer).
 */
export function createGray8Image(width: number, height: number): Gray8Image {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`createGray8Image: expected positive integer size, got ${width}x${height}`);
  }
  return { width, height, data: new Uint8Array(width * height) };
}

/**
 * Copy the pixels inside `box` into a new image of size (x1−x0)×(y1−y0).
 * @param image Source image (8-bit gray or 0/1 mask).
 * @param box Region; must lie inside the image and be non-empty.
 */
export function cropImage(image: Gray8Image, box: PixelBox): Gray8Image {
  const { x0, y0, x1, y1 } = box;
  if (!(x0 >= 0 && y0 >= 0 && x1 <= image.width && y1 <= image.height && x1 > x0 && y1 > y0)) {
    throw new Error(
      `cropImage: expected a non-empty box inside ${image.width}x${image.height}, got x ${x0}..${x1}, y ${y0}..${y1}`,
    );
  }
  const out = createGray8Image(x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++) {
    out.data.set(
      image.data.subarray(y * image.width + x0, y * image.width + x1),
      (y - y0) * out.width,
    );
  }
  return out;
}

/**
 * Mirror left–right (column x goes to width−1−x).
 * @param image Image or mask; not modified.
 * @returns A new image of the same size.
 */
export function flipHorizontal(image: Gray8Image): Gray8Image {
  const { width, height, data } = image;
  const out = createGray8Image(width, height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out.data[row + x] = data[row + width - 1 - x];
  }
  return out;
}

/**
 * Place a cropped image back at `box` inside a zero frame of the original size (the inverse of
 * {@link cropImage}, with zeros outside the box). Used to compare masks in raw coordinates.
 * @param image The crop, size (x1−x0)×(y1−y0).
 * @param box Where the crop came from.
 * @param width Width of the full frame.
 * @param height Height of the full frame.
 */
export function uncropImage(
  image: Gray8Image,
  box: PixelBox,
  width: number,
  height: number,
): Gray8Image {
  if (image.width !== box.x1 - box.x0 || image.height !== box.y1 - box.y0) {
    throw new Error(
      `uncropImage: expected a ${box.x1 - box.x0}x${box.y1 - box.y0} image for the box, got ${image.width}x${image.height}`,
    );
  }
  const out = createGray8Image(width, height);
  for (let y = 0; y < image.height; y++) {
    out.data.set(
      image.data.subarray(y * image.width, (y + 1) * image.width),
      (y + box.y0) * width + box.x0,
    );
  }
  return out;
}

/**
 * The bounding box of the nonzero pixels of a mask, or null when the mask is empty.
 * @param mask 0/1 (or any nonzero) mask.
 */
export function maskBoundingBox(mask: BinaryMask): PixelBox | null {
  const { width, height, data } = mask;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Sørensen–Dice coefficient 2|A∩B| / (|A|+|B|) of two masks of the same size (1 when both empty).
 * @param a 0/1 mask.
 * @param b 0/1 mask of the same size.
 * @returns Overlap in [0, 1].
 */
export function diceCoefficient(a: BinaryMask, b: BinaryMask): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(
      `diceCoefficient: sizes differ, ${a.width}x${a.height} vs ${b.width}x${b.height}`,
    );
  }
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.data.length; i++) {
    const pa = a.data[i] ? 1 : 0;
    const pb = b.data[i] ? 1 : 0;
    inter += pa & pb;
    na += pa;
    nb += pb;
  }
  return na + nb === 0 ? 1 : (2 * inter) / (na + nb);
}
