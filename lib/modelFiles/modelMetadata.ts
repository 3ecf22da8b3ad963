/**
 * Metadata stored in every model directory's `model.json` (under `userDefinedMetadata.breastDensity`):
 * what the network expects (input size, classes, preprocessing) and how its weights were made.
 * Everything downstream (prediction, Grad-CAM, notebooks) reads the input size from here.
 */
import { CLASS_NAMES, isProjection, type Projection } from '../model/constants';
import { InputError } from '../errors';

/** Description of the input preprocessing the weights were trained with. */
export interface PreprocessingSpec {
  /** `keras-samplewise`: gray → 3 channels, nearest resize, `(x - mean(x)) / 255`, as the original. */
  kind: 'keras-samplewise';
  /** Interpolation used for resizing to the input size. */
  resize: 'nearest';
}

/** How the weights were produced. */
export interface ModelProvenance {
  /**
   * `train` (this project's trainer), `fit-head` (the classifier head refitted on new images,
   * everything else from `initModel`), `import-keras`, or `init` (untrained, random weights).
   */
  createdBy: 'train' | 'fit-head' | 'import-keras' | 'init';
  /** ISO 8601 date and time the weights were written. */
  date: string;
  /** TF.js backend that produced them (e.g. `wasm`). */
  backend?: string;
  /** Training data description (directory, phantom seed…). */
  data?: string;
  /** Epochs trained. */
  epochs?: number;
  /** The exact command line that produced the model (of the last run, when resumed). */
  command?: string;
  /** Every run's command line, oldest first, when the training was resumed (`--resume`). */
  trainingRuns?: string[];
  /** The model directory whose weights the training started from (`--init`). */
  initModel?: string;
  /** `--init-mirrored`: that model's kernels were mirrored left–right first. */
  initMirrored?: boolean;
  /**
   * The provenance recorded in the `--init` model, nesting its own `initProvenance`: the whole
   * chain of a staged training (for example 256×256 from random weights, then 650×650).
   */
  initProvenance?: ModelProvenance;
  /** Source file for imported models. */
  source?: string;
  /** Any further facts (validation accuracy, seed, …). */
  [key: string]: unknown;
}

/** The project's model metadata. */
export interface ModelMetadata {
  /** Always `breast-density-model`. */
  format: 'breast-density-model';
  /** Metadata schema version. */
  version: 1;
  /** `[height, width]` of the network input in pixels. */
  inputSize: [number, number];
  /** Output class names in column order. */
  classNames: string[];
  /** Projection this network is for, or `null` when not specific. */
  projection: Projection | null;
  /** Preprocessing the weights expect. */
  preprocessing: PreprocessingSpec;
  /** How the weights were made. */
  provenance: ModelProvenance;
}

/**
 * Build metadata with defaults filled in.
 * @param inputSize `[height, width]`.
 * @param provenance How the weights were made (date defaults to now).
 */
export function createModelMetadata(
  inputSize: [number, number],
  provenance: Partial<ModelProvenance> & Pick<ModelProvenance, 'createdBy'>,
  projection: Projection | null = null,
): ModelMetadata {
  return {
    format: 'breast-density-model',
    version: 1,
    inputSize,
    classNames: [...CLASS_NAMES],
    projection,
    preprocessing: { kind: 'keras-samplewise', resize: 'nearest' },
    provenance: { date: new Date().toISOString(), ...provenance },
  };
}

/**
 * Check an untrusted value (parsed from `model.json`) and return it as metadata.
 * @param value The parsed `userDefinedMetadata.breastDensity` object.
 * @param file File name for error messages.
 * @throws InputError naming the file and the first field that is wrong.
 */
export function parseModelMetadata(value: unknown, file: string): ModelMetadata {
  const fail = (what: string): never => {
    throw new InputError(`${file}: model metadata ${what}`);
  };
  if (typeof value !== 'object' || value === null)
    return fail('is missing (not a breast-density model?)');
  const v = value as Record<string, unknown>;
  if (v.format !== 'breast-density-model')
    fail(`has format ${JSON.stringify(v.format)}, expected "breast-density-model"`);
  if (v.version !== 1) fail(`has version ${JSON.stringify(v.version)}, expected 1`);
  const size = v.inputSize;
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((n) => Number.isInteger(n) && n >= 32)
  ) {
    fail(`inputSize must be [height, width] of whole numbers ≥ 32, got ${JSON.stringify(size)}`);
  }
  const classes = v.classNames;
  if (
    !Array.isArray(classes) ||
    classes.length < 2 ||
    !classes.every((c) => typeof c === 'string')
  ) {
    fail(`classNames must be a list of at least 2 names, got ${JSON.stringify(classes)}`);
  }
  if (v.projection !== null && !(typeof v.projection === 'string' && isProjection(v.projection))) {
    fail(
      `projection must be CC_L, CC_R, MLO_L, MLO_R or null, got ${JSON.stringify(v.projection)}`,
    );
  }
  const pre = v.preprocessing as Record<string, unknown> | undefined;
  if (!pre || pre.kind !== 'keras-samplewise' || pre.resize !== 'nearest') {
    fail(
      `preprocessing must be {"kind":"keras-samplewise","resize":"nearest"}, got ${JSON.stringify(pre)}`,
    );
  }
  const prov = v.provenance as Record<string, unknown> | undefined;
  if (!prov || typeof prov.createdBy !== 'string' || typeof prov.date !== 'string') {
    fail(`provenance must have createdBy and date, got ${JSON.stringify(prov)}`);
  }
  return value as ModelMetadata;
}
