/** The training engines the training tests run on (both; `TRAIN_ENGINES=onnx` restricts). */
import type { TrainingEngineName } from '../../lib/train/trainingEngine';

/** Engines to parametrise training tests by. */
export const TRAINING_ENGINES: TrainingEngineName[] = (process.env.TRAIN_ENGINES ?? 'onnx,tfjs')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is TrainingEngineName => s === 'onnx' || s === 'tfjs');
