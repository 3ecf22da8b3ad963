/**
 * Breast outlines of the phantom, drawn for a left breast (chest wall at the left image edge,
 * x = 0) in normalised coordinates (x/width, y/height); right views are mirrored afterwards.
 *
 * - CC: a half-superellipse from the chest wall, `x < xn·(1 − s²)^p` with `s` the vertical offset
 *   from the nipple over the upper or lower half-height; the half-heights reach past the image
 *   edges so the breast is cut by the top and bottom edges at the chest wall, as in cropped
 *   clinical images; a small nipple bump at the apex.
 * - MLO: an axillary tail at the top edge (width `xt`), the anterior contour swelling to the
 *   nipple at depth `xn` and height `yn`, then curving back to the chest wall at the
 *   inframammary fold; the pectoral muscle is the region above the line from `(pw, 0)` to
 *   `(0, ph)` (slightly convex), which the original preprocessing replaced by the mean gray.
 */
import type { Rng } from '../data/createRng';

/** Shape parameters of one view (normalised to the image width / height). */
export interface BreastShape {
  /** 'CC' or 'MLO'. */
  view: 'CC' | 'MLO';
  /** Nipple depth from the chest wall (fraction of the width). */
  xn: number;
  /** Nipple height (fraction of the height). */
  yn: number;
  /** CC: upper and lower half-heights; MLO: lower half-height (fractions of the height). */
  halfUp: number;
  /** Lower half-height (fraction of the height). */
  halfDown: number;
  /** Contour exponent (0.5 = ellipse; larger = fuller). */
  p: number;
  /** MLO: width of the axillary tail at the top edge. */
  xt: number;
  /** MLO: exponent of the upper contour. */
  gamma: number;
  /** Nipple radius (fraction of the height). */
  nippleR: number;
  /** MLO pectoral line: top intercept (fraction of width), 0 for CC. */
  pw: number;
  /** MLO pectoral line: chest-wall intercept (fraction of height), 0 for CC. */
  ph: number;
  /** Contour wobble amplitude and phase. */
  wobble: [number, number, number];
}

/**
 * Draw the outline parameters of a view.
 * @param view 'CC' or 'MLO'.
 * @param rng Generator seeded from the subject's anatomy seed (same for left and right).
 */
export function randomBreastShape(view: 'CC' | 'MLO', rng: Rng): BreastShape {
  const wobble: [number, number, number] = [
    rng.uniform(0.005, 0.02),
    rng.uniform(0, 2 * Math.PI),
    rng.uniform(2, 4),
  ];
  if (view === 'CC') {
    const yn = rng.uniform(0.45, 0.56);
    return {
      view,
      xn: rng.uniform(0.82, 0.95),
      yn,
      halfUp: yn * rng.uniform(0.94, 1.12),
      halfDown: (1 - yn) * rng.uniform(0.94, 1.12),
      p: rng.uniform(0.45, 0.7),
      xt: 0,
      gamma: 1,
      nippleR: rng.uniform(0.01, 0.018),
      pw: 0,
      ph: 0,
      wobble,
    };
  }
  const yn = rng.uniform(0.55, 0.7);
  const xt = rng.uniform(0.32, 0.5);
  return {
    view,
    xn: rng.uniform(0.8, 0.95),
    yn,
    halfUp: yn,
    halfDown: (1 - yn) * rng.uniform(0.8, 1.1),
    p: rng.uniform(0.45, 0.65),
    xt,
    gamma: rng.uniform(1.0, 1.6),
    nippleR: rng.uniform(0.01, 0.018),
    pw: xt * rng.uniform(0.6, 0.9),
    ph: rng.uniform(0.45, 0.85),
    wobble,
  };
}

/**
 * Contour depth (fraction of the width) of the breast at height v (fraction of the height),
 * left orientation; 0 where the breast does not reach.
 */
export function contourDepth(shape: BreastShape, v: number): number {
  const wob = 1 + shape.wobble[0] * Math.sin(shape.wobble[2] * Math.PI * v + shape.wobble[1]);
  if (shape.view === 'CC') {
    const s = v < shape.yn ? (shape.yn - v) / shape.halfUp : (v - shape.yn) / shape.halfDown;
    return s >= 1 ? 0 : shape.xn * Math.pow(1 - s * s, shape.p) * wob;
  }
  if (v < shape.yn) {
    const t = Math.max(v, 0) / shape.yn;
    const k = Math.pow(Math.sin((Math.PI / 2) * t), shape.gamma);
    return (shape.xt + (shape.xn - shape.xt) * k) * wob;
  }
  const s = (v - shape.yn) / shape.halfDown;
  return s >= 1 ? 0 : shape.xn * Math.pow(1 - s * s, shape.p) * wob;
}

/**
 * Rasterise breast and pectoral masks (left orientation).
 * @returns `breast` (1 inside the breast, pectoral included) and `pectoral` (1 in the MLO
 *   pectoral region, null for CC), both `[height, width]` row-major.
 */
export function rasteriseShape(
  shape: BreastShape,
  width: number,
  height: number,
): { breast: Uint8Array; pectoral: Uint8Array | null } {
  const breast = new Uint8Array(width * height);
  const pectoral = shape.view === 'MLO' ? new Uint8Array(width * height) : null;
  const nx = shape.xn * width;
  const ny = shape.yn * height;
  const nr = shape.nippleR * height;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    const o = y * width;
    // Breast: x + ½ < contour depth, or inside the nipple disc.
    const depth = contourDepth(shape, v) * width;
    const full = Math.min(width, Math.max(0, Math.ceil(depth - 0.5)));
    breast.fill(1, o, o + full);
    const dy = v * height - ny;
    if (Math.abs(dy) < nr) {
      const half = Math.sqrt(nr * nr - dy * dy);
      const x0 = Math.max(0, Math.ceil(nx - half - 0.5));
      const x1 = Math.min(width, Math.ceil(nx + half - 0.5));
      for (let x = x0; x < x1; x++) {
        const dx = x + 0.5 - nx;
        if (dx * dx + dy * dy < nr * nr) breast[o + x] = 1;
      }
    }
    if (pectoral) {
      // Pectoral: u/pw + v/ph < 1 + bulge(v), i.e. u < pw·(1 + bulge − v/ph), inside the breast.
      const bulge = 0.06 * Math.sin(Math.PI * Math.min(v / shape.ph, 1));
      const limit = shape.pw * (1 + bulge - v / shape.ph) * width;
      const end = Math.min(width, Math.max(0, Math.ceil(limit - 0.5)));
      for (let x = 0; x < end; x++) if (breast[o + x]) pectoral[o + x] = 1;
    }
  }
  return { breast, pectoral };
}
