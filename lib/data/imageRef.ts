import type { Projection } from '../model/constants';

/**
 * A reference to one image file and what its folders and name say about it — the one image
 * reference every command uses (`predict`, `gradcam`, dataset listings, the worker pool's
 * prediction path). Built by {@link parseImagePath} (lone files) or `readImageDataset` (dataset
 * listings, where {@link DatasetItem} extends it). Plain data, no pixels: safe to clone and to
 * send to worker threads.
 */
export interface ImageRef {
  /** Absolute path of the image file. */
  path: string;
  /**
   * Name written in outputs (the `file` column of prediction CSVs): the path relative to the
   * dataset root for dataset items, the path as given for lone files.
   */
  name: string;
  /**
   * True class when known, else null: the class folder (`…/<A|B|C|D>/file.png`), else the class
   * of an original-style name (`<subject>_<n>_<class>_<projection>.png`, any case, upper-cased).
   * One of the dataset's class names (A–D for the density networks).
   */
  trueClass: string | null;
  /** Projection when known (nearest `CC_L`… folder, else the original-style name), else null. */
  projection: Projection | null;
  /** Subject id of an original-style name, else null. */
  subject: string | null;
}
