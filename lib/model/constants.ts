/** Constants shared by the model, the data pipeline and the metrics. */

/** BI-RADS density classes, in the network's output order (column order of prediction files). */
export const CLASS_NAMES = ['A', 'B', 'C', 'D'] as const;
/** One of {@link CLASS_NAMES}. */
export type ClassName = (typeof CLASS_NAMES)[number];

/** Mammographic projections, one network each: cranio-caudal and medio-lateral oblique, left and right. */
export const PROJECTIONS = ['CC_L', 'CC_R', 'MLO_L', 'MLO_R'] as const;
/** One of {@link PROJECTIONS}. */
export type Projection = (typeof PROJECTIONS)[number];

/** Input size of the original networks (pixels, square). */
export const ORIGINAL_INPUT_SIZE = 650;

/** Name of the last residual Add layer, the original Grad-CAM target. */
export const LAST_ADD_LAYER = 'add_12';

/** Keras 2.2.4 defaults used by the original network. */
export const KERAS_DEFAULTS = {
  /** BatchNormalization epsilon. */
  bnEpsilon: 1e-3,
  /** BatchNormalization moving-average momentum. */
  bnMomentum: 0.99,
  /** LeakyReLU negative slope. */
  leakyAlpha: 0.3,
  /** Dropout rate before global average pooling. */
  dropoutRate: 0.2,
} as const;

/**
 * Whether `value` is one of {@link CLASS_NAMES}.
 */
export function isClassName(value: string): value is ClassName {
  return (CLASS_NAMES as readonly string[]).includes(value);
}

/**
 * Whether `value` is one of {@link PROJECTIONS}.
 */
export function isProjection(value: string): value is Projection {
  return (PROJECTIONS as readonly string[]).includes(value);
}
