/**
 * Optional PyTorch side-by-side reference for `breast-density bench`: runs
 * `scripts/torch_reference.py` (the same network as an NCHW `nn.Module`) with Debian's
 * `python3-torch` when it is installed, and reports that it skipped otherwise. The project never
 * needs Python to run; this only gives a familiar yardstick for the TF.js timings.
 */
import { spawnSync } from 'child_process';
import { resolveTorchReference } from './resolveTorchReference';

/** Options of {@link runTorchReference}. */
export interface TorchReferenceOptions {
  /** Input height = width, pixels (≥ 32). */
  size: number;
  /** Images per forward / Grad-CAM run (ignored by `train`, see `trainBatch`). */
  batch: number;
  /**
   * `forward`: eval mode, no autograd, to probabilities. `gradcam`: forward keeping the `layer`
   * Add output, gradient of each image's predicted logit to it, maps upsampled to the input size.
   * `train`: one optimiser step (forward, softmax cross-entropy, backward, update) per run.
   */
  mode: 'forward' | 'gradcam' | 'train';
  /** Grad-CAM target, `add_1`…`add_12`. Default `add_12`. */
  layer?: string;
  /** Timed runs after one warm-up run; the median is reported. */
  repeats: number;
  /** PyTorch intra-op threads (`torch.set_num_threads`). */
  threads: number;
  /** Images per training step. Default 4. */
  trainBatch?: number;
  /** Training optimiser: SGD lr 1e-3 momentum 0.9 Nesterov, or Adam (Keras defaults). Default sgd. */
  optimizer?: 'sgd' | 'adam';
  /**
   * Python interpreter. Default: `DENSITY_PYTHON`, else the first of `/usr/bin/python3`,
   * `python3` that can `import torch`. An explicit one (option or variable) is the only one tried.
   */
  python?: string;
}

/** One PyTorch measurement; times in milliseconds (wall clock), memory in MB. */
export interface TorchReferenceResult {
  engine: 'pytorch';
  /** `torch.__version__` (Debian's 1.13.1 says `1.13.0a0`). */
  torchVersion: string;
  /** The interpreter that ran it. */
  python: string;
  /** Intra-op threads in use. */
  threads: number;
  /** Input height = width, pixels. */
  size: number;
  /** Images per timed run (the train batch in `train` mode). */
  batch: number;
  mode: TorchReferenceOptions['mode'];
  /** Grad-CAM target (gradcam mode only). */
  layer?: string;
  /** Optimiser (train mode only). */
  optimizer?: 'sgd' | 'adam';
  /** Median of `repeatsMs`: one run of `batch` images. */
  medianMs: number;
  /** `medianMs / batch`. */
  perImageMs: number;
  /** `1000 · batch / medianMs`. */
  imagesPerS: number;
  /** Every timed run, in order. */
  repeatsMs: number[];
  /** Median process CPU time (user + system, all threads) of one run: less sensitive to other jobs. */
  cpuMedianMs: number;
  /** Process CPU time of every timed run, in order. */
  cpuRepeatsMs: number[];
  /** Peak resident memory of the Python process (`ru_maxrss`, includes torch itself), MB. */
  peakRssMb: number;
  /** Parameters counted as Keras does (BN moving statistics included): 2,262,660. */
  params: number;
  /** Trainable parameters: 2,249,988. */
  trainableParams: number;
}

/** Check the script's JSON line against what was asked for; returns the typed result. */
function parseResult(
  line: string,
  python: string,
  o: Required<Omit<TorchReferenceOptions, 'python'>>,
): TorchReferenceResult {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(line);
  } catch {
    throw new Error(
      `torch_reference.py printed no JSON line: ${JSON.stringify(line.slice(0, 500))}`,
    );
  }
  const num = (key: string): number => {
    const v = j[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new Error(
        `torch_reference.py: ${key} should be a positive number, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const batch = o.mode === 'train' ? o.trainBatch : o.batch;
  const want: [string, unknown][] = [
    ['engine', 'pytorch'],
    ['mode', o.mode],
    ['size', o.size],
    ['batch', batch],
    ['threads', o.threads],
    ['params', 2_262_660],
    ['trainable_params', 2_249_988],
    ...(o.mode === 'gradcam' ? [['layer', o.layer] as [string, unknown]] : []),
    ...(o.mode === 'train' ? [['optimizer', o.optimizer] as [string, unknown]] : []),
  ];
  for (const [key, value] of want) {
    if (j[key] !== value) {
      throw new Error(
        `torch_reference.py: ${key} is ${JSON.stringify(j[key])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  const runs = (key: string): number[] => {
    const v = j[key];
    if (
      !Array.isArray(v) ||
      v.length !== o.repeats ||
      !v.every((t) => typeof t === 'number' && t >= 0)
    ) {
      throw new Error(
        `torch_reference.py: ${key} should hold ${o.repeats} times, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  if (typeof j.torch_version !== 'string')
    throw new Error('torch_reference.py: torch_version missing');
  return {
    engine: 'pytorch',
    torchVersion: j.torch_version,
    python,
    threads: o.threads,
    size: o.size,
    batch,
    mode: o.mode,
    ...(o.mode === 'gradcam' ? { layer: o.layer } : {}),
    ...(o.mode === 'train' ? { optimizer: o.optimizer } : {}),
    medianMs: num('median_ms'),
    perImageMs: num('per_image_ms'),
    imagesPerS: num('images_per_s'),
    repeatsMs: runs('repeats_ms'),
    cpuMedianMs: num('cpu_median_ms'),
    cpuRepeatsMs: runs('cpu_repeats_ms'),
    peakRssMb: num('peak_rss_mb'),
    params: num('params'),
    trainableParams: num('trainable_params'),
  };
}

/**
 * Time the PyTorch reference network in a child Python process (blocking; at 650×650 a train
 * measurement takes about a minute).
 * @param options Size, batch, mode, repeats, threads; see {@link TorchReferenceOptions}.
 * @returns The measurement, or `{ skipped }` with the reason when no Python can import torch.
 * @throws Error with the script's stderr when it fails, or when its JSON line is malformed or does
 *   not match the options (never swallowed).
 */
export function runTorchReference(
  options: TorchReferenceOptions,
): TorchReferenceResult | { skipped: string } {
  const command = resolveTorchReference(options);
  if ('skipped' in command) return command;
  const { python, script, args } = command;
  const o = { ...command.options, repeats: options.repeats };
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw new Error(`could not run ${python} ${script}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(
      `torch_reference.py --mode ${o.mode} --size ${o.size} failed (exit ${r.status ?? r.signal}):\n${r.stderr.trim()}`,
    );
  }
  const lines = r.stdout.trim().split('\n');
  return parseResult(lines[lines.length - 1], python, o);
}
