/**
 * Which engine `createDensityEngine` will use in this process, without creating one: for the
 * environment table of the notebooks (`printEnvironment`) and `bench`.
 */
import { loadOnnxRuntime } from './loadOnnxRuntime';
import { requestedEngine } from './createDensityEngine';

/**
 * One line such as `ONNX Runtime 1.30.0 (cpu, 2 threads)` or
 * `TF.js (ONNX Runtime unavailable: …)`; `, forced by DENSITY_ENGINE` when set.
 * @throws UsageError for a bad `DENSITY_ENGINE` value.
 */
export function describeDefaultEngine(): string {
  const requested = requestedEngine();
  const forced = requested === 'auto' ? '' : ', forced by DENSITY_ENGINE';
  if (requested === 'tfjs') return `TF.js (the active backend)${forced}`;
  try {
    const rt = loadOnnxRuntime();
    return `ONNX Runtime ${rt.version} (${rt.providers[0]}, ${rt.threads} thread${rt.threads === 1 ? '' : 's'})${forced}`;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return requested === 'onnx'
      ? `ONNX Runtime cannot start: ${reason}${forced}`
      : `TF.js (ONNX Runtime unavailable: ${reason})`;
  }
}
