/**
 * Predict a directory dataset (Keras `flow_from_directory` layout) or a list of image files.
 * Rows come in `flow_from_directory(shuffle=False)` order (classes sorted, files sorted by name
 * within a class), so probability files written by the original scripts and by this one line up
 * row by row.
 */
import type { ImageDataset } from '../data/readImageDataset';
import { CLASS_NAMES } from '../model/constants';
import type { ForwardFunction } from './forwardFunction';
import { type PredictOptions, type PredictionResult, predictItems } from './predictItems';

/**
 * Predict every image of a dataset.
 * @param ds Dataset listing (`readImageDataset`).
 * @param forward Batch forward pass, e.g. `layersModelForward(model)`.
 * @param options Input size (from the model metadata), batch size, progress.
 * @returns Records (with the true class from the class folder) and probabilities, in Keras order.
 */
export async function predictDataset(
  ds: ImageDataset,
  forward: ForwardFunction,
  options: PredictOptions,
): Promise<PredictionResult> {
  if (ds.classNames.join() !== CLASS_NAMES.join()) {
    throw new RangeError(
      `predict: expected the classes ${CLASS_NAMES.join(' ')}, got ${ds.classNames.join(' ')}`,
    );
  }
  return predictItems(ds.items, forward, {
    label: `predict${ds.projection ? ` ${ds.projection}` : ''}`,
    ...options,
  });
}
