/**
 * Predict a directory dataset (Keras `flow_from_directory` layout) or a list of image files.
 * Rows come in `flow_from_directory(shuffle=False)` order (classes sorted, files sorted by name
 * within a class), so probability files written by the original scripts and by this one line up
 * row by row.
 */
import * as path from 'path';
import { parseImageName, type ImageDataset } from '../data/readImageDataset';
import { CLASS_NAMES, type ClassName, isClassName } from '../model/constants';
import type { ForwardFunction } from './forwardFunction';
import {
  type PredictItem,
  type PredictOptions,
  type PredictionResult,
  predictItems,
} from './predictItems';

/**
 * Items of a dataset listing, in its (Keras) order.
 * @param ds From `readImageDataset`.
 */
export function itemsFromDataset(ds: ImageDataset): PredictItem[] {
  return ds.items.map((it) => ({
    path: it.path,
    name: it.relPath,
    trueClass: isClassName(it.className) ? it.className : null,
    subject: it.subject ?? '',
    projection: it.projection ?? '',
  }));
}

/**
 * Items of image files given one by one, in the given order. The true class is the parent folder
 * when it is named A, B, C or D, else the class of an original-style name
 * (`<subject>_<n>_<class>_<projection>.png`), else unknown; subject and projection come from such
 * names when they fit.
 * @param files Image paths.
 */
export function itemsFromFiles(files: ReadonlyArray<string>): PredictItem[] {
  return files.map((f) => {
    const parsed = parseImageName(path.basename(f));
    const folder = path.basename(path.dirname(path.resolve(f)));
    const cls = isClassName(folder) ? folder : (parsed?.className.toUpperCase() ?? '');
    return {
      path: path.resolve(f),
      name: f,
      trueClass: isClassName(cls) ? (cls as ClassName) : null,
      subject: parsed?.subject ?? '',
      projection: parsed?.projection ?? '',
    };
  });
}

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
  return predictItems(itemsFromDataset(ds), forward, {
    label: `predict${ds.projection ? ` ${ds.projection}` : ''}`,
    ...options,
  });
}
