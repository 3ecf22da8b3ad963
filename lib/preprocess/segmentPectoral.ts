/**
 * Pectoral muscle segmentation in MLO views, in the canonical orientation used inside the
 * pipeline: chest wall at the LEFT edge, image cropped to the breast (row 0 is the top of the
 * breast). The muscle is then the bright band in the top-left corner whose lower edge runs from
 * the top edge down to the chest wall (the straight-line model of Karssemeijer, "Automated
 * classification of parenchymal patterns in mammograms", Phys. Med. Biol. 43:365, 1998, and
 * Kwok et al., "Automatic pectoral muscle segmentation on mediolateral oblique view mammograms",
 * IEEE TMI 23(9):1129, 2004, whose straight-line estimate is then refined row by row).
 *
 * 1. Blur (radius ≈ 1 % of the short side). Seed: the top-left corner patch (4 % of each side)
 *    must be inside the breast; its median is the muscle level, the median of the lower half of
 *    the breast the tissue level. No clear contrast ⇒ "unsure", nothing removed.
 * 2. Each row from the top is scanned from the chest wall while the gray stays above the level
 *    halfway between muscle and tissue: the run length is that row's muscle edge.
 * 3. A robust straight line x = a + b·y is fitted to the edges (iterated least squares dropping
 *    residuals beyond 2.5 robust σ: bright dense tissue next to the muscle only creates outliers).
 * 4. Plausibility: the line slopes towards the chest wall going down, meets the top edge inside
 *    the image and the chest wall above the bottom, most rows agree with it, the muscle covers
 *    1–50 % of the breast and is brighter than the tissue just outside it. Any failure ⇒
 *    "unsure" with the reason, and nothing is removed (never cut breast tissue on a guess).
 * 5. The muscle mask follows each row's own edge where it lies within a tolerance of the line
 *    (curved muscle borders), the line elsewhere.
 */
import { boxBlur } from './boxBlur';
import { grayHistogram, histogramPercentile } from './grayHistogram';
import { createGray8Image, type BinaryMask, type Gray8Image } from './grayImage';

/** Result of {@link segmentPectoral}. */
export interface PectoralSegmentation {
  /** 0/1 muscle mask (inside the breast mask); all zero when nothing is removed. */
  mask: BinaryMask;
  /** Whether a muscle was found and is safe to remove. */
  found: boolean;
  /** True when the evidence was not clear enough to remove anything (see `message`). */
  unsure: boolean;
  /** What was found, or why nothing was removed. */
  message: string;
  /** Fitted edge x = x0 + slope·y (canonical orientation, crop coordinates), or null. */
  line: { x0: number; slope: number } | null;
  /** Muscle pixels over breast pixels (0 when not found). */
  areaFraction: number;
  /** Median gray of the muscle seed minus median gray of the lower breast (blurred levels). */
  contrast: number;
  /** Share of scanned rows whose edge agrees with the line. */
  inlierFraction: number;
}

/** Options of {@link segmentPectoral}. */
export interface SegmentPectoralOptions {
  /** Blur radius. Default max(1, round(short side / 100)). */
  blurRadius?: number;
  /** Minimum muscle-minus-tissue contrast in gray levels. Default 6. */
  minContrast?: number;
}

function fitLine(ys: number[], xs: number[], use: boolean[]): { a: number; b: number } | null {
  let n = 0;
  let sy = 0;
  let sx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < ys.length; i++) {
    if (!use[i]) continue;
    n++;
    sy += ys[i];
    sx += xs[i];
    syy += ys[i] * ys[i];
    sxy += ys[i] * xs[i];
  }
  const d = n * syy - sy * sy;
  if (n < 3 || d === 0) return null;
  const b = (n * sxy - sy * sx) / d;
  return { a: (sx - b * sy) / n, b };
}

/**
 * Segment the pectoral muscle of an MLO view in canonical orientation (chest wall left).
 * @param image 8-bit cropped breast image, background 0; not modified.
 * @param breast 0/1 breast mask of the same size.
 * @param options Blur radius, minimum contrast.
 * @returns The muscle mask (empty unless `found`), the fitted line and the evidence.
 */
export function segmentPectoral(
  image: Gray8Image,
  breast: BinaryMask,
  options: SegmentPectoralOptions = {},
): PectoralSegmentation {
  const { width: W, height: H } = image;
  if (breast.width !== W || breast.height !== H) {
    throw new Error(
      `segmentPectoral: mask ${breast.width}x${breast.height} does not match image ${W}x${H}`,
    );
  }
  const m = breast.data;
  const radius = options.blurRadius ?? Math.max(1, Math.round(Math.min(W, H) / 100));
  const s = boxBlur(image, radius).data;
  const minContrast = options.minContrast ?? 6;
  const levels = pectoralLevels(s, m, W, H, minContrast);
  if (typeof levels === 'string') return notRemoved(W, H, levels);
  const { contrast, threshold: T } = levels;
  const { ys, xs } = muscleRowRuns(s, m, W, H, T);
  if (ys.length < 5) {
    return notRemoved(
      W,
      H,
      `muscle edge found on only ${ys.length} rows: nothing removed`,
      contrast,
    );
  }
  const robust = robustLineFit(ys, xs);
  if (!robust) {
    return notRemoved(W, H, 'muscle edge too irregular for a line fit: nothing removed', contrast);
  }
  const { a, b } = robust.fit;
  const inlierFraction = robust.inliers / ys.length;
  const line = { x0: a, slope: b };
  const tipY = b < 0 ? -a / b : Infinity;
  const reasons = lineDoubts(a, b, tipY, inlierFraction, W, H);
  const unsure = () =>
    notRemoved(
      W,
      H,
      `pectoral muscle unsure: ${reasons.join('; ')}; nothing removed`,
      contrast,
      line,
      inlierFraction,
    );
  if (reasons.length) return unsure();
  // Rows may follow their own edge within 2.5 robust σ of the line (curved borders), at most 6 % of the width.
  const tol = Math.min(Math.max(2, 2.5 * robust.sigma), Math.max(3, 0.06 * W));
  const edges = { ys, xs, a, b, tipY, tol, T, radius };
  const { mask, areaFraction, edgeContrast } = muscleMask(image, s, m, edges);
  if (areaFraction < 0.01 || areaFraction > 0.5) {
    reasons.push(
      `muscle would cover ${(100 * areaFraction).toFixed(1)} % of the breast (expected 1-50 %)`,
    );
  }
  if (edgeContrast < minContrast / 2) {
    reasons.push(
      `muscle only ${edgeContrast.toFixed(1)} gray levels brighter than the tissue beside it`,
    );
  }
  if (reasons.length) return unsure();
  return {
    mask,
    found: true,
    unsure: false,
    message: `pectoral muscle found: ${(100 * areaFraction).toFixed(1)} % of the breast, edge from x=${a.toFixed(0)} at the top to y=${tipY.toFixed(0)} at the chest wall, ${(100 * inlierFraction).toFixed(0)} % of rows on the line`,
    line,
    areaFraction,
    contrast,
    inlierFraction,
  };
}

/** The result when nothing is removed (an empty mask), with the reason. */
function notRemoved(
  W: number,
  H: number,
  message: string,
  contrast = 0,
  line: PectoralSegmentation['line'] = null,
  inlierFraction = 0,
): PectoralSegmentation {
  return {
    mask: createGray8Image(W, H),
    found: false,
    unsure: true,
    message,
    line,
    areaFraction: 0,
    contrast,
    inlierFraction,
  };
}

/**
 * Step 1, seed and reference levels: the median (blurred) gray of the top chest-wall corner
 * against the lower breast, and the threshold halfway between.
 * @returns The levels, or the reason why no muscle can be there.
 */
function pectoralLevels(
  s: Uint8Array,
  m: Uint8Array,
  W: number,
  H: number,
  minContrast: number,
): { contrast: number; threshold: number } | string {
  const sh = Math.max(2, Math.round(0.04 * H));
  const sw = Math.max(2, Math.round(0.04 * W));
  const seed = new Uint8Array(W * H);
  let seedIn = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const i = y * W + x;
      if (m[i]) {
        seed[i] = 1;
        seedIn++;
      }
    }
  }
  if (seedIn < 0.5 * sh * sw) {
    return 'the breast does not reach the top chest-wall corner: no pectoral muscle found, nothing removed';
  }
  const lower = new Uint8Array(W * H);
  for (let i = Math.floor(H / 2) * W; i < W * H; i++) lower[i] = m[i];
  const muscleLevel = histogramPercentile(grayHistogram(s, seed), 50);
  const tissueLevel = histogramPercentile(grayHistogram(s, lower), 50);
  const contrast = muscleLevel - tissueLevel;
  if (!(contrast >= minContrast)) {
    return `top chest-wall corner is not brighter than the breast (contrast ${contrast} gray levels < ${minContrast}): pectoral muscle not found, nothing removed`;
  }
  return { contrast, threshold: (muscleLevel + tissueLevel) / 2 };
}

/** Step 2, row runs from the chest wall: for each row from the top, how far the bright muscle reaches. */
function muscleRowRuns(
  s: Uint8Array,
  m: Uint8Array,
  W: number,
  H: number,
  T: number,
): { ys: number[]; xs: number[] } {
  const ys: number[] = [];
  const xs: number[] = [];
  let zeros = 0;
  for (let y = 0; y < H; y++) {
    let x = 0;
    while (x < W && m[y * W + x] && s[y * W + x] > T) x++;
    if (x === 0) {
      zeros++;
      if (zeros >= Math.max(3, Math.round(0.02 * H)) && ys.length > 0) break;
      continue;
    }
    zeros = 0;
    ys.push(y + 0.5);
    xs.push(x);
  }
  return { ys, xs };
}

/** Step 3, robust line fit x = a + b·y (iterated 2.5 σ clipping, σ from the MAD). */
function robustLineFit(
  ys: number[],
  xs: number[],
): { fit: { a: number; b: number }; inliers: number; sigma: number } | null {
  let use = ys.map(() => true);
  let fit = fitLine(ys, xs, use);
  let sigma = Infinity;
  for (let iter = 0; iter < 8 && fit; iter++) {
    const f = fit;
    const res = ys.map((y, i) => xs[i] - (f.a + f.b * y));
    const abs = res
      .filter((_, i) => use[i])
      .map(Math.abs)
      .sort((p, q) => p - q);
    sigma = Math.max(1, 1.4826 * abs[Math.floor(abs.length / 2)]);
    const next = res.map((r) => Math.abs(r) <= 2.5 * sigma);
    const changed = next.some((u, i) => u !== use[i]);
    use = next;
    fit = fitLine(ys, xs, use);
    if (!changed) break;
  }
  if (!fit) return null;
  return { fit, inliers: use.filter(Boolean).length, sigma };
}

/** Step 4, plausibility of the edge line: the reasons to doubt it (none: plausible). */
function lineDoubts(
  a: number,
  b: number,
  tipY: number,
  inlierFraction: number,
  W: number,
  H: number,
): string[] {
  const reasons: string[] = [];
  if (!(b < 0)) reasons.push(`edge does not slope towards the chest wall (slope ${b.toFixed(2)})`);
  if (!(a >= 0.03 * W && a <= 0.95 * W))
    reasons.push(`edge meets the top at x=${a.toFixed(0)} of ${W}`);
  if (!(tipY <= H))
    reasons.push(
      `edge does not reach the chest wall above the bottom (y=${tipY.toFixed(0)} of ${H})`,
    );
  if (inlierFraction < 0.5)
    reasons.push(`only ${(100 * inlierFraction).toFixed(0)} % of rows agree with the edge line`);
  return reasons;
}

/** The fitted edge and what step 5 needs of the earlier steps. */
interface MuscleEdges {
  ys: number[];
  xs: number[];
  /** Line x = a + b·y. */
  a: number;
  b: number;
  /** Row where the line meets the chest wall. */
  tipY: number;
  /** How far a row's own edge may be from the line, pixels. */
  tol: number;
  /** Muscle/tissue threshold (blurred gray). */
  T: number;
  /** Blur radius. */
  radius: number;
}

/**
 * Step 5, mask from per-row edges near the line, its share of the breast, and the contrast of
 * the muscle against the tissue just outside the edge (a band of width `tol`).
 */
function muscleMask(
  image: Gray8Image,
  s: Uint8Array,
  m: Uint8Array,
  e: MuscleEdges,
): { mask: BinaryMask; areaFraction: number; edgeContrast: number } {
  const { width: W, height: H } = image;
  const { a, b, tol } = e;
  const edgeOfRow = new Map<number, number>();
  e.ys.forEach((y, i) => edgeOfRow.set(Math.floor(y), e.xs[i]));
  const mask = createGray8Image(W, H);
  let muscle = 0;
  let breastCount = 0;
  let inSum = 0;
  for (let i = 0; i < m.length; i++) breastCount += m[i];
  const lastRow = Math.min(H, Math.ceil(e.tipY));
  for (let y = 0; y < lastRow; y++) {
    const lineX = a + b * (y + 0.5);
    const own = edgeOfRow.get(y);
    let edge = own !== undefined && Math.abs(own - lineX) <= tol ? own : Math.round(lineX);
    // Sharpen on the unblurred row: the blur leaves the muscle's last bright pixels outside.
    for (let k = 0; k <= e.radius && edge < W; k++) {
      const i = y * W + edge;
      if (!m[i] || image.data[i] <= e.T) break;
      edge++;
    }
    for (let x = 0; x < Math.min(W, edge); x++) {
      const i = y * W + x;
      if (m[i]) {
        mask.data[i] = 1;
        muscle++;
        inSum += s[i];
      }
    }
  }
  const areaFraction = breastCount ? muscle / breastCount : 0;
  let outSum = 0;
  let outN = 0;
  for (let y = 0; y < lastRow; y++) {
    const lineX = a + b * (y + 0.5);
    for (let x = Math.max(0, Math.ceil(lineX + 1)); x < Math.min(W, lineX + 1 + tol); x++) {
      const i = y * W + x;
      if (m[i] && !mask.data[i]) {
        outSum += s[i];
        outN++;
      }
    }
  }
  const edgeContrast = muscle && outN ? inSum / muscle - outSum / outN : 0;
  return { mask, areaFraction, edgeContrast };
}
