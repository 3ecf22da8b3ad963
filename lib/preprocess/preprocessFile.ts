/**
 * One file through the whole pipeline: decode (DICOM or PNG) → 8 bits → breast segmentation,
 * crop and orientation → pectoral muscle removal in MLO. View, side and patient come from the
 * DICOM tags, else from the file name.
 */
import { checkMammogramSize } from './checkMammogramSize';
import * as path from 'path';
import { InputError } from '../errors';
import { parseMammogramName, type DensityClass } from './mammogramName';
import {
  preprocessMammogram,
  type MammoLaterality,
  type MammoView,
  type PreprocessedMammogram,
} from './preprocessMammogram';
import { readMammogram, type DecodedMammogram } from './readMammogram';

/** Options of {@link preprocessFile}. */
export interface PreprocessFileOptions {
  /** Override the view (else DICOM ViewPosition, else the file name). */
  view?: MammoView;
  /** Override the side (else DICOM ImageLaterality/Laterality, else the file name). */
  laterality?: MammoLaterality;
  /** Remove the pectoral muscle in MLO (default true). */
  removePectoral?: boolean;
  /** Keep intermediate images. */
  keepSteps?: boolean;
}

/** Result of {@link preprocessFile}. */
export interface PreprocessedFile {
  /** The decoded input. */
  decoded: DecodedMammogram;
  /** The pipeline result. */
  result: PreprocessedMammogram;
  /** Name parts known so far (`n` is set by the caller when the name did not carry it). */
  name: {
    patient: string;
    n: number | null;
    cls: DensityClass | null;
    view: MammoView;
    laterality: MammoLaterality;
  };
}

/** Thrown (as an InputError) for a view the classifier has no network for; callers may skip it. */
export class UnsupportedViewError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedViewError';
  }
}

/**
 * Preprocess one mammogram file.
 * @param bytes File contents.
 * @param filePath Its path (used for messages and for view/side/class from the name).
 * @param options Overrides.
 * @returns Decoded input, pipeline result and the name parts.
 * @throws InputError naming the file: unreadable, unknown view or side, no breast found;
 *   {@link UnsupportedViewError} for views other than CC/MLO (ML, LM…).
 */
export function preprocessFile(
  bytes: Uint8Array,
  filePath: string,
  options: PreprocessFileOptions = {},
): PreprocessedFile {
  const decoded = readMammogram(bytes, filePath);
  const fromName = parseMammogramName(filePath);
  if (decoded.source === 'dicom' && decoded.viewPosition && !decoded.view && !options.view) {
    throw new UnsupportedViewError(
      `${filePath}: view ${decoded.viewPosition} has no network (the classifier has CC and MLO only)`,
    );
  }
  const view = options.view ?? decoded.view ?? fromName.view;
  const laterality = options.laterality ?? decoded.laterality ?? fromName.laterality;
  if (!view || !laterality) {
    throw new InputError(
      `${filePath}: ${!view ? 'view (CC/MLO)' : 'side (L/R)'} unknown: no DICOM ViewPosition/ImageLaterality and none in the file name (expected e.g. 123_1_CC_R.png)`,
    );
  }
  checkMammogramSize(decoded.gray.width, decoded.gray.height, filePath); // e.g. under 8x8
  let result: PreprocessedMammogram;
  try {
    result = preprocessMammogram(decoded.gray, {
      view,
      laterality,
      patientOrientation: decoded.patientOrientation,
      removePectoral: options.removePectoral,
      keepSteps: options.keepSteps,
    });
  } catch (err) {
    if (err instanceof Error && /no breast found/.test(err.message)) {
      throw new InputError(`${filePath}: no breast found (the image is uniform)`);
    }
    throw err;
  }
  result.warnings.unshift(...decoded.warnings);
  const base = path.basename(filePath).replace(/\.[^.]*$/, '');
  const patient = decoded.patientId ?? fromName.patient ?? base;
  return {
    decoded,
    result,
    name: { patient, n: fromName.n ?? null, cls: fromName.cls ?? null, view, laterality },
  };
}
