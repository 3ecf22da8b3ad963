/**
 * The ground-truth mask file of a phantom: an 8-bit gray PNG label map, same size as the image.
 *
 * | value | meaning |
 * | --- | --- |
 * | 0 | background (outside the breast) |
 * | 96 | pectoral region replaced by the mean gray (MLO only; not counted in the dense fraction) |
 * | 160 | fatty breast tissue |
 * | 255 | dense (fibroglandular) tissue |
 *
 * `value === 255` is the dense mask; `value > 0` the breast outline; the dense fraction is
 * `#255 / (#160 + #255)`. The gray levels make the file viewable as a picture.
 */
import * as fs from 'fs';
import { InputError, errorMessage } from '../errors';
import { decodePng } from '../io/png';
import { encodeGray8Png } from './encodeGray8Png';

/** Mask label values. */
export const MASK_VALUES = { background: 0, pectoral: 96, fatty: 160, dense: 255 } as const;

/** A decoded phantom mask. */
export interface PhantomMask {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 where dense. */
  dense: Uint8Array;
  /** 1 inside the breast (pectoral included). */
  breast: Uint8Array;
  /** 1 in the replaced pectoral region. */
  pectoral: Uint8Array;
  /** Dense pixels / (breast − pectoral) pixels. */
  denseFraction: number;
}

/**
 * Encode the masks of a phantom as the label-map PNG described above.
 * @returns PNG bytes.
 */
export function encodePhantomMask(
  masks: { denseMask: Uint8Array; breastMask: Uint8Array; pectoralMask: Uint8Array | null },
  width: number,
  height: number,
): Buffer {
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    if (!masks.breastMask[i]) continue;
    out[i] = masks.pectoralMask?.[i]
      ? MASK_VALUES.pectoral
      : masks.denseMask[i]
        ? MASK_VALUES.dense
        : MASK_VALUES.fatty;
  }
  return encodeGray8Png(out, width, height);
}

/**
 * Read a phantom mask PNG.
 * @param file Path of a `*_mask.png`.
 * @throws InputError naming the file when it is missing, not a PNG, or holds other values.
 */
export function readPhantomMask(file: string): PhantomMask {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new InputError(`${file}: cannot read mask (${errorMessage(err)})`);
  }
  const r = decodePng(bytes, file);
  if (r.channels !== 1 || r.bitDepth !== 8) {
    throw new InputError(
      `${file}: expected an 8-bit gray mask, got ${r.channels} channel(s), ${r.bitDepth} bits`,
    );
  }
  const n = r.width * r.height;
  const dense = new Uint8Array(n);
  const breast = new Uint8Array(n);
  const pectoral = new Uint8Array(n);
  let nd = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const v = r.data[i];
    if (v === MASK_VALUES.background) continue;
    breast[i] = 1;
    if (v === MASK_VALUES.dense) {
      dense[i] = 1;
      nd++;
      nb++;
    } else if (v === MASK_VALUES.fatty) nb++;
    else if (v === MASK_VALUES.pectoral) pectoral[i] = 1;
    else throw new InputError(`${file}: unexpected mask value ${v} (expected 0, 96, 160 or 255)`);
  }
  return {
    width: r.width,
    height: r.height,
    dense,
    breast,
    pectoral,
    denseFraction: nb ? nd / nb : 0,
  };
}
