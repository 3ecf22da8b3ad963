/**
 * The preprocessing pipeline on one 8-bit mammogram, as the original authors prepared their
 * images before training: background removal, crop at the skin line, orientation with the chest
 * wall on the right for right breasts and on the left for left breasts, and in MLO views the
 * pectoral muscle replaced by the mean gray of the breast.
 */
import { chestWallSide, type ChestWallSide } from './chestWallSide';
import {
  type BinaryMask,
  type PixelBox,
  type Gray8Image,
  cropImage,
  flipHorizontal,
  uncropImage,
} from './grayImage';
import { segmentBreast, type BreastSegmentation } from './segmentBreast';
import { segmentPectoral, type PectoralSegmentation } from './segmentPectoral';

/** Mammographic view handled by the classifier. */
export type MammoView = 'CC' | 'MLO';
/** Breast side. */
export type MammoLaterality = 'L' | 'R';

/** Options of {@link preprocessMammogram}. */
export interface PreprocessMammogramOptions {
  /** View: the pectoral muscle is removed in MLO only. */
  view: MammoView;
  /** Side: R puts the chest wall at the right edge, L at the left edge. */
  laterality: MammoLaterality;
  /** DICOM Patient Orientation, the tie-breaker for the chest-wall side (e.g. `A\R`). */
  patientOrientation?: string | null;
  /** Remove the pectoral muscle in MLO (default true). */
  removePectoral?: boolean;
  /** Keep the intermediate images in `steps` (for notebooks). Default false. */
  keepSteps?: boolean;
}

/** How output pixels map back to the input frame: output = flip?(crop(input, box)). */
export interface PreprocessTransform {
  /** The crop in input coordinates. */
  box: PixelBox;
  /** Whether the crop was mirrored left–right. */
  flipped: boolean;
  /** Input width. */
  inputWidth: number;
  /** Input height. */
  inputHeight: number;
}

/** Result of {@link preprocessMammogram}. */
export interface PreprocessedMammogram {
  /** The network-ready 8-bit image: cropped, oriented, background 0, muscle replaced. */
  image: Gray8Image;
  /** 0/1 breast mask in output coordinates (the muscle region included). */
  breastMask: BinaryMask;
  /** 0/1 pectoral muscle mask in output coordinates (all 0 when nothing was removed). */
  pectoralMask: BinaryMask;
  /** Crop and flip relative to the input. */
  transform: PreprocessTransform;
  /** Breast segmentation details (thresholds, removed components). */
  segmentation: Omit<BreastSegmentation, 'mask'>;
  /** Chest-wall side found in the input. */
  chestWall: ChestWallSide;
  /** Pectoral muscle result (MLO only, else null), with the replacement gray when removed. */
  pectoral: (Omit<PectoralSegmentation, 'mask'> & { replacementGray: number | null }) | null;
  /** Whether a human should look at this image (unsure muscle, unclear orientation, warnings). */
  flagged: boolean;
  /** Reasons for the flag and other remarks. */
  warnings: string[];
  /** Intermediate images when `keepSteps` was set: name and image, in pipeline order. */
  steps?: { name: string; image: Gray8Image }[];
}

/**
 * Map a mask (or image) from output coordinates back to the input frame.
 * @param image Output-coordinate image, size of the crop.
 * @param t The transform returned with it.
 * @returns An image of the input size, zero outside the crop.
 */
export function toInputFrame(image: Gray8Image, t: PreprocessTransform): Gray8Image {
  return uncropImage(t.flipped ? flipHorizontal(image) : image, t.box, t.inputWidth, t.inputHeight);
}

function scaleMask(mask: BinaryMask): Gray8Image {
  return { width: mask.width, height: mask.height, data: mask.data.map((v) => (v ? 255 : 0)) };
}

/**
 * Preprocess one mammogram.
 * @param input 8-bit gray image as displayed (breast bright on a dark background), uncropped.
 * @param options View, laterality, orientation hint.
 * @returns The network-ready image with masks, transform and a per-step account.
 * @throws Error `no breast found` for a uniform image (`preprocessFile` turns it into an InputError naming the file).
 */
export function preprocessMammogram(
  input: Gray8Image,
  options: PreprocessMammogramOptions,
): PreprocessedMammogram {
  const { view, laterality } = options;
  if (view !== 'CC' && view !== 'MLO')
    throw new Error(`preprocessMammogram: expected view CC or MLO, got ${String(view)}`);
  if (laterality !== 'L' && laterality !== 'R') {
    throw new Error(`preprocessMammogram: expected laterality L or R, got ${String(laterality)}`);
  }
  const steps: { name: string; image: Gray8Image }[] | undefined = options.keepSteps
    ? []
    : undefined;
  steps?.push({ name: 'input (8-bit)', image: input });
  const seg = segmentBreast(input);
  const { mask: fullMask, ...segmentation } = seg;
  const warnings = [...seg.warnings];
  if (!seg.box)
    throw new Error('preprocessMammogram: no breast found in the image (uniform image)');
  steps?.push({
    name: 'breast mask (Otsu + largest component + holes filled)',
    image: scaleMask(fullMask),
  });
  const box = seg.box;
  const side = chestWallSide(fullMask, box, options.patientOrientation ?? null);
  if (!side.confident) {
    warnings.push(
      `chest-wall side unclear from the image (edge contact left ${side.contact.left}, right ${side.contact.right}); ${side.side} taken from ${side.source}`,
    );
  }
  let image = cropImage(input, box);
  let mask = cropImage(fullMask, box);
  for (let i = 0; i < image.data.length; i++) if (!mask.data[i]) image.data[i] = 0;
  steps?.push({ name: 'cropped at the skin line, background removed', image });

  // Canonical orientation for the muscle: chest wall at the left.
  const toCanonical = side.side === 'right';
  if (toCanonical) {
    image = flipHorizontal(image);
    mask = flipHorizontal(mask);
  }
  let pectoralMask: BinaryMask = {
    width: image.width,
    height: image.height,
    data: new Uint8Array(image.data.length),
  };
  let pectoral: PreprocessedMammogram['pectoral'] = null;
  if (view === 'MLO' && options.removePectoral !== false) {
    const removed = removePectoral(image, mask, warnings);
    image = removed.image;
    pectoral = removed.pectoral;
    if (removed.mask) pectoralMask = removed.mask;
  }
  // Final orientation: chest wall right for R, left for L.
  const toFinal = laterality === 'R';
  if (toFinal) {
    image = flipHorizontal(image);
    mask = flipHorizontal(mask);
    pectoralMask = flipHorizontal(pectoralMask);
  }
  if (view === 'MLO' && pectoral) {
    // Shown in the crop panel's orientation (the input's), so that the two panels line up.
    const asCrop = toCanonical !== toFinal ? flipHorizontal(pectoralMask) : pectoralMask;
    steps?.push({ name: 'pectoral muscle mask', image: scaleMask(asCrop) });
  }
  steps?.push({
    name: `final: chest wall ${toFinal ? 'right' : 'left'} (${view}_${laterality})${view === 'MLO' ? ', muscle replaced by the mean breast gray' : ''}`,
    image,
  });
  const flagged = warnings.length > 0 || (pectoral !== null && pectoral.unsure);
  return {
    image,
    breastMask: mask,
    pectoralMask,
    transform: {
      box,
      flipped: toCanonical !== toFinal,
      inputWidth: input.width,
      inputHeight: input.height,
    },
    segmentation,
    chestWall: side,
    pectoral,
    flagged,
    warnings,
    ...(steps ? { steps } : {}),
  };
}

/**
 * Find the pectoral muscle of a canonical (chest wall left) MLO crop and replace it by the mean
 * gray of the rest of the breast; when unsure, nothing is replaced and the reason is warned.
 * @returns The image (a copy when changed), the muscle mask when found, and the record.
 */
function removePectoral(
  image: Gray8Image,
  mask: BinaryMask,
  warnings: string[],
): {
  image: Gray8Image;
  mask: BinaryMask | null;
  pectoral: NonNullable<PreprocessedMammogram['pectoral']>;
} {
  const p = segmentPectoral(image, mask);
  const { mask: pm, ...rest } = p;
  if (!p.found) {
    warnings.push(p.message);
    return { image, mask: null, pectoral: { ...rest, replacementGray: null } };
  }
  let sum = 0;
  let n = 0;
  for (let i = 0; i < image.data.length; i++) {
    if (mask.data[i] && !pm.data[i]) {
      sum += image.data[i];
      n++;
    }
  }
  const replacementGray = n ? Math.round(sum / n) : 0;
  const out = { ...image, data: image.data.slice() };
  for (let i = 0; i < out.data.length; i++) if (pm.data[i]) out.data[i] = replacementGray;
  return { image: out, mask: pm, pectoral: { ...rest, replacementGray } };
}
