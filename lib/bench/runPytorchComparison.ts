/**
 * The PyTorch side of `breast-density bench`: the same network in PyTorch (Debian's
 * `python3-torch`, `scripts/torch_reference.py`) timed in the same bench run — forward, Grad-CAM
 * on add_12 and add_6, and optionally a training step — so that the ratio of the project's engine
 * to PyTorch is reported. Skipped, with the reason, when no Python can import torch.
 */
import { runTorchReference, type TorchReferenceResult } from './runTorchReference';

/** Medians of the PyTorch reference, ms (per image for the training step). */
export interface PytorchComparison {
  torchVersion: string;
  threads: number;
  forwardMs: number;
  gradcamMs: number;
  gradcamAdd6Ms: number;
  /** Training step at batch 4 (SGD), ms per image; null when not asked for. */
  trainStepMsPerImage: number | null;
  /** Peak resident memory of the Python process over the runs, MB. */
  peakRssMb: number;
}

/**
 * Time the PyTorch reference.
 * @param size Input side, pixels.
 * @param repeats Timed runs per measurement.
 * @param threads PyTorch intra-op threads (use the engine's thread count).
 * @param train Also time a training step (slow at 650×650: about a minute).
 * @returns The medians, or `{ skipped }` saying why.
 * @throws Error when the script fails (with its stderr).
 */
export function runPytorchComparison(
  size: number,
  repeats: number,
  threads: number,
  train: boolean,
): PytorchComparison | { skipped: string } {
  const run = (mode: 'forward' | 'gradcam' | 'train', layer?: string) =>
    runTorchReference({ size, batch: 1, mode, layer, repeats, threads, trainBatch: 4 });
  const forward = run('forward');
  if ('skipped' in forward) return forward;
  const rest = [
    run('gradcam', 'add_12'),
    run('gradcam', 'add_6'),
    ...(train ? [run('train')] : []),
  ];
  const got = rest.filter((r): r is TorchReferenceResult => !('skipped' in r));
  if (got.length !== rest.length) return { skipped: 'python3-torch disappeared between runs' };
  const [g12, g6, step] = got;
  return {
    torchVersion: forward.torchVersion,
    threads: forward.threads,
    forwardMs: forward.medianMs,
    gradcamMs: g12.medianMs,
    gradcamAdd6Ms: g6.medianMs,
    trainStepMsPerImage: step ? step.perImageMs : null,
    peakRssMb: Math.max(...[forward, ...got].map((r) => r.peakRssMb)),
  };
}
