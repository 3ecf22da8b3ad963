/**
 * "What to explain": the class whose score a map explains, separate from "how" (the method).
 * As in jacobgil/pytorch-grad-cam, targets are chosen per image; the default is the predicted class.
 */
import * as tf from '@tensorflow/tfjs';
import { CLASS_NAMES } from '../model/constants';

/**
 * The class to explain for one image: `'predicted'` (arg-max of the scores, the original's
 * choice), a class index (0 = A … 3 = D), or a class name (`'A'`…`'D'`).
 * "The true class" is a class index/name taken from the label.
 */
export type CamTarget = 'predicted' | number | string;

/**
 * Resolve the targets of a batch to class indices.
 * @param targets One target for the whole batch, or one per image.
 * @param predicted Predicted class index of each image (arg-max of the logits).
 * @param classNames Class names in output order (default A–D).
 * @returns One class index per image.
 * @throws Error naming the bad target (unknown name, index out of range, wrong count).
 */
export function resolveCamTargets(
  targets: CamTarget | CamTarget[] | undefined,
  predicted: number[],
  classNames: readonly string[] = CLASS_NAMES,
): number[] {
  const list = Array.isArray(targets)
    ? targets
    : predicted.map(() => (targets === undefined ? 'predicted' : targets));
  tf.util.assert(
    list.length === predicted.length,
    () => `expected ${predicted.length} targets (one per image), got ${list.length}`,
  );
  return list.map((t, i) => {
    if (t === 'predicted' || t === 'pred') return predicted[i];
    if (typeof t === 'number') {
      tf.util.assert(
        Number.isInteger(t) && t >= 0 && t < classNames.length,
        () => `target class index must be 0…${classNames.length - 1}, got ${t}`,
      );
      return t;
    }
    const k = classNames.indexOf(t);
    tf.util.assert(
      k >= 0,
      () => `target class must be "predicted" or one of ${classNames.join(', ')}, got "${t}"`,
    );
    return k;
  });
}
