/**
 * Which image edge the chest wall lies on. In a mammogram the breast is cut by the detector edge
 * at the chest wall, so the mask touches that edge along a long run, while the nipple side ends in
 * a rounded profile that touches its extreme column only briefly.
 */
import type { BinaryMask, PixelBox } from './grayImage';

/** Result of {@link chestWallSide}. */
export interface ChestWallSide {
  /** Side of the chest wall in the image as given. */
  side: 'left' | 'right';
  /** Whether the image evidence was clear (one side's contact ≥ 1.5× the other's). */
  confident: boolean;
  /** Where the decision came from. */
  source: 'image' | 'PatientOrientation' | 'default';
  /** Mask pixels in the 3 outermost columns of the box on the left and on the right. */
  contact: { left: number; right: number };
}

/**
 * Decide the chest-wall side from the breast mask, with the DICOM Patient Orientation (0020,0020)
 * as the tie-breaker: its first value is the direction of increasing column index, `A` (towards
 * the nipple: chest wall left) or `P` (chest wall right).
 * @param mask 0/1 breast mask.
 * @param box Bounding box of the mask.
 * @param patientOrientation PatientOrientation string, e.g. `A\R`, or null.
 */
export function chestWallSide(
  mask: BinaryMask,
  box: PixelBox,
  patientOrientation: string | null = null,
): ChestWallSide {
  const { width, data } = mask;
  const count = (xa: number, xb: number): number => {
    let c = 0;
    for (let y = box.y0; y < box.y1; y++)
      for (let x = xa; x < xb; x++) c += data[y * width + x] ? 1 : 0;
    return c;
  };
  const cols = Math.min(3, box.x1 - box.x0);
  const left = count(box.x0, box.x0 + cols);
  const right = count(box.x1 - cols, box.x1);
  const contact = { left, right };
  if (left >= 1.5 * right && left > 0)
    return { side: 'left', confident: true, source: 'image', contact };
  if (right >= 1.5 * left && right > 0)
    return { side: 'right', confident: true, source: 'image', contact };
  const first = patientOrientation?.split('\\')[0]?.trim().toUpperCase();
  if (first === 'A')
    return { side: 'left', confident: false, source: 'PatientOrientation', contact };
  if (first === 'P')
    return { side: 'right', confident: false, source: 'PatientOrientation', contact };
  return {
    side: left >= right ? 'left' : 'right',
    confident: false,
    source: left === right ? 'default' : 'image',
    contact,
  };
}
