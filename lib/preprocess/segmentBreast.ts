/**
 * Breast segmentation (background removal): the breast is the largest bright connected region.
 *
 * 1. Box blur (radius ≈ 1 % of the short side) against quantum and detector noise.
 * 2. Otsu's threshold of the blurred image splits background from tissue (Otsu 1979).
 * 3. A coarse mask with a low threshold just above the background noise (background median +
 *    6 robust standard deviations, at most Otsu's level), its largest 8-connected component
 *    (labels, lead markers, noise specks and collimator edges are other components) and hole
 *    filling.
 * 4. The skin line is then placed at the middle of the local edge contrast: the final threshold
 *    is halfway between the background median and the median gray of the tissue band just inside
 *    the coarse boundary. A symmetric blur does not move an edge thresholded at its middle, so the
 *    mask follows the skin line even where the breast thins out and darkens towards it.
 * 5. Largest component and hole filling again.
 */
import { boxBlur } from './boxBlur';
import { fillHoles, largestComponent } from './connectedComponents';
import { grayHistogram, histogramPercentile } from './grayHistogram';
import { type BinaryMask, type PixelBox, type Gray8Image, maskBoundingBox } from './grayImage';
import { erodeMask } from './morphology';
import { otsuThreshold } from './otsuThreshold';

/** Result of {@link segmentBreast}. */
export interface BreastSegmentation {
  /** 0/1 breast mask (including the pectoral muscle in MLO), same size as the input. */
  mask: BinaryMask;
  /** Bounding box of the mask (the crop at the skin line), or null when nothing was found. */
  box: PixelBox | null;
  /** Thresholds used (gray levels of the blurred image; tissue is strictly above). */
  thresholds: { otsu: number; background: number; tissueEdge: number; final: number };
  /** Connected components of the final threshold, before keeping the largest. */
  components: number;
  /** Foreground pixels dropped as not part of the breast (markers, labels, noise). */
  removedPixels: number;
  /** Breast area as a fraction of the image. */
  areaFraction: number;
  /** Problems worth a look (e.g. the breast touches three image edges). */
  warnings: string[];
}

/** Options of {@link segmentBreast}. */
export interface SegmentBreastOptions {
  /** Blur radius in pixels. Default max(1, round(short side / 100)). */
  blurRadius?: number;
}

/**
 * Segment the breast in an 8-bit mammogram (breast bright, background dark).
 * @param image 8-bit gray image, any size ≥ 8×8, before cropping; not modified.
 * @param options Blur radius.
 * @returns The mask, its bounding box and the thresholds used.
 */
export function segmentBreast(
  image: Gray8Image,
  options: SegmentBreastOptions = {},
): BreastSegmentation {
  const { width, height } = image;
  if (width < 8 || height < 8)
    throw new Error(`segmentBreast: expected at least 8x8 pixels, got ${width}x${height}`);
  const warnings: string[] = [];
  const radius = options.blurRadius ?? Math.max(1, Math.round(Math.min(width, height) / 100));
  const blurred = boxBlur(image, radius);
  const hist = grayHistogram(blurred.data);
  const otsu = otsuThreshold(hist);

  // Background statistics: blurred pixels at or below Otsu's level.
  const bgHist = hist.slice(0, otsu + 1);
  const bgMedian = histogramPercentile(bgHist, 50);
  const q25 = histogramPercentile(bgHist, 25);
  const q75 = histogramPercentile(bgHist, 75);
  const bgSigma = Math.max(0.5, (q75 - q25) / 1.349);
  const background = Math.min(otsu, Math.ceil(bgMedian + Math.max(6 * bgSigma, 3)));

  const threshold = (t: number): BinaryMask => {
    const m: BinaryMask = { width, height, data: new Uint8Array(width * height) };
    for (let i = 0; i < m.data.length; i++) m.data[i] = blurred.data[i] > t ? 1 : 0;
    return m;
  };
  const coarse = fillHoles(largestComponent(threshold(background)).mask);

  // Tissue level just inside the skin line: band between erosion depths k and 2k.
  const k = 2 * radius + 1;
  const inner1 = erodeMask(coarse, k);
  const inner2 = erodeMask(inner1, k);
  const band = new Uint8Array(width * height);
  let bandCount = 0;
  for (let i = 0; i < band.length; i++) {
    if (inner1.data[i] && !inner2.data[i]) {
      band[i] = 1;
      bandCount++;
    }
  }
  const tissueEdge =
    bandCount > 0
      ? histogramPercentile(grayHistogram(blurred.data, band), 50)
      : histogramPercentile(grayHistogram(blurred.data, coarse.data), 50);
  let final = Math.floor((bgMedian + tissueEdge) / 2);
  if (!(final >= background)) final = background;

  const fine = threshold(final);
  const lc = largestComponent(fine);
  const mask = fillHoles(lc.mask);
  let fgCount = 0;
  let kept = 0;
  for (let i = 0; i < mask.data.length; i++) {
    fgCount += fine.data[i];
    kept += mask.data[i] & fine.data[i];
  }
  const box = maskBoundingBox(mask);
  let area = 0;
  for (let i = 0; i < mask.data.length; i++) area += mask.data[i];
  const areaFraction = area / (width * height);
  if (!box) warnings.push('no breast found (image is uniform)');
  else {
    if (areaFraction < 0.05)
      warnings.push(`breast covers only ${(100 * areaFraction).toFixed(1)} % of the image`);
    if (tissueEdge - bgMedian < 10) {
      warnings.push(
        `low contrast between breast and background (${tissueEdge - bgMedian} gray levels)`,
      );
    }
  }
  return {
    mask,
    box,
    thresholds: { otsu, background, tissueEdge, final },
    components: lc.count,
    removedPixels: fgCount - kept,
    areaFraction,
    warnings,
  };
}
