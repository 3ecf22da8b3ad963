/**
 * All explainability measures of one image's map against its ground-truth masks.
 */
import {
  attentionRatio,
  pointingGame,
  type AttentionRatio,
  type PointingGame,
} from './attentionRatio';
import { confidenceChange, explanationImage, type ConfidenceChange } from './confidenceChange';
import type { ImageScorer } from './imageScorer';
import { fatGrayLevel, perturbationCurves, type PerturbationCurves } from './perturbationCurves';

/** Inputs of {@link measureExplainability}; every array is row-major at the network input size. */
export interface ExplainabilityInput {
  /** Gray image (0–255) as the network sees it before centring (nearest-resized). */
  image: Float32Array;
  /** Normalised map in [0, 1]. */
  map: Float32Array;
  /** Image width (for the pointing-game coordinates). */
  width: number;
  /** Class explained. */
  target: number;
  /** Ground-truth dense tissue (1). */
  denseMask: Uint8Array;
  /** Breast region (1), pectoral region excluded; default: image > 0. */
  breastMask?: Uint8Array | null;
  /** Scorer for the perturbation measures; omit to skip them (attention and pointing only). */
  scorer?: ImageScorer;
  /** Deletion/insertion steps (default 8). */
  steps?: number;
  /** Seed of the random baseline (default 0). */
  seed?: number;
}

/** Measures of one image. */
export interface ExplainabilityMeasures {
  /** Attention ratio (mass on dense tissue vs dense share of the breast). */
  attention: AttentionRatio;
  /** Pointing game. */
  pointing: PointingGame;
  /** Fat gray level used to remove pixels. */
  fillValue: number;
  /** Deletion / insertion curves, when a scorer was given. */
  curves?: PerturbationCurves;
  /** Average-drop / increase inputs, when a scorer was given. */
  confidence?: ConfidenceChange;
}

/**
 * Measure one map.
 * @returns Attention ratio, pointing game and, with a scorer, deletion/insertion curves against a
 *   random order and the confidence change on the explanation image.
 */
export async function measureExplainability(
  input: ExplainabilityInput,
): Promise<ExplainabilityMeasures> {
  const breast = input.breastMask ?? Uint8Array.from(input.image, (v) => (v > 0 ? 1 : 0));
  const attention = attentionRatio(input.map, input.denseMask, breast);
  const pointing = pointingGame(input.map, input.width, input.denseMask, breast);
  const fillValue = fatGrayLevel(input.image, breast, input.denseMask);
  const result: ExplainabilityMeasures = { attention, pointing, fillValue };
  if (!input.scorer) return result;
  const curves = await perturbationCurves(input.image, input.map, input.target, input.scorer, {
    steps: input.steps,
    fillValue,
    region: breast,
    seed: input.seed,
  });
  const explained = explanationImage(input.image, input.map, fillValue, breast);
  const [probs] = await input.scorer([explained]);
  result.curves = curves;
  result.confidence = confidenceChange(curves.deletion[0], probs[input.target]);
  return result;
}
