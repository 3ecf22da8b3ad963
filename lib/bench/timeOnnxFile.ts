/**
 * Time ONNX Runtime on an ONNX file made elsewhere (e.g. the PyTorch export of
 * `scripts/torch_reference.py --export-onnx`), with the same session options as the project's
 * engine: the yardstick for "our export runs as fast as ORT on the PyTorch export".
 */
import * as fs from 'fs';
import { onnx } from 'onnx-proto';
import { InputError, errorMessage } from '../errors';
import { loadOnnxRuntime } from '../engine/loadOnnxRuntime';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';

/** Shape of the file's first input with the batch set to 1 (symbolic dimensions must be the batch). */
function firstInputShape(file: string, bytes: Uint8Array): { name: string; shape: number[] } {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(`${file}: not an ONNX model (${errorMessage(err)})`);
  }
  const input = model.graph?.input?.[0];
  const dims = input?.type?.tensorType?.shape?.dim;
  if (!input?.name || !dims || dims.length !== 4) {
    throw new InputError(
      `${file}: expected a graph whose first input is 4-D, got ${dims?.length ?? 'none'}`,
    );
  }
  const shape = dims.map((d, i) => (d.dimValue ? Number(d.dimValue) : i === 0 ? 1 : NaN));
  if (shape.some((d) => !Number.isFinite(d))) {
    throw new InputError(
      `${file}: input ${input.name} has a symbolic dimension other than the batch`,
    );
  }
  return { name: input.name, shape: [1, ...shape.slice(1)] };
}

/**
 * Forward passes of batch 1 on an ONNX file.
 * @param file Path of the `.onnx` file (its first input is fed random normal data).
 * @returns The wall-clock summary (ms) and the input it was fed.
 * @throws InputError naming the file when it is missing, not ONNX, or has an unusable input.
 */
export async function timeOnnxFile(
  file: string,
  repeats: number,
  warmup: number,
): Promise<{ forward: TimeSummary; input: string; shape: number[] }> {
  if (!fs.existsSync(file)) throw new InputError(`${file}: ONNX file does not exist`);
  const bytes = fs.readFileSync(file);
  const { name, shape } = firstInputShape(file, bytes);
  const rt = loadOnnxRuntime();
  let session;
  try {
    session = await rt.ort.InferenceSession.create(bytes, {
      executionProviders: rt.providers,
      intraOpNumThreads: rt.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new InputError(
      `${file}: ONNX Runtime cannot load it (${errorMessage(err).split('\n')[0]})`,
    );
  }
  try {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
    const feeds = { [name]: new rt.ort.Tensor('float32', data, shape) };
    const runs: number[] = [];
    for (let r = 0; r < warmup + repeats; r++) {
      const t0 = performance.now();
      await session.run(feeds);
      if (r >= warmup) runs.push(performance.now() - t0);
    }
    return { forward: summarizeTimes(runs), input: name, shape };
  } finally {
    await session.release();
  }
}
