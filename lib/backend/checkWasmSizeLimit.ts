/**
 * Refuse, before any work, network input sizes the TF.js wasm backend cannot run: its heap is
 * one 32-bit WebAssembly memory (at most 4 GiB, of which about half is usable in practice), and
 * an allocation beyond it aborts the process. Only the wasm backend is checked (the native
 * backends use the machine's memory); a future engine (ONNX Runtime) simply does not call this.
 *
 * The estimates come from this ResNet's layer outputs (`createDensityModel`, measured at 64×64):
 * all layer outputs together hold 384 float32 values per input pixel, the largest one 16.
 * - inference keeps about three of the largest tensors alive: 3 × 16 × 4 bytes per pixel;
 * - a training step keeps every layer output and its gradient: 2 × 384 × 4 bytes per pixel.
 * With a 2 GiB budget, inference takes up to ≈ 11 Mpixel per batch (3344² at batch 1; 650² at
 * batch 4 is 1.7 Mpixel) and training ≈ 1.4 Mpixel per batch (batch 4 at 592², not the
 * default 650²).
 */
import { UsageError } from '../errors';

/** Usable wasm heap assumed by the estimate, bytes. */
const WASM_BUDGET_BYTES = 2 * 1024 ** 3;
const BYTES_PER_PIXEL = { inference: 3 * 16 * 4, train: 2 * 384 * 4 } as const;

/**
 * Throw when `batch` images of `size` would not fit the wasm heap for `mode`.
 * @param mode `inference` (predict, bench, gradcam) or `train`.
 * @param size `[height, width]` of the network input.
 * @param batch Images per forward (and backward) pass.
 * @param backend `tf.getBackend()`; anything but `wasm` is not checked.
 * @throws UsageError naming the size, the limit and what to change (`--size`, `--batch`).
 */
export function checkWasmSizeLimit(
  mode: 'inference' | 'train',
  size: readonly [number, number],
  batch: number,
  backend: string,
): void {
  if (backend !== 'wasm') return;
  const need = size[0] * size[1] * batch * BYTES_PER_PIXEL[mode];
  if (need <= WASM_BUDGET_BYTES) return;
  const maxPixels = Math.floor(WASM_BUDGET_BYTES / BYTES_PER_PIXEL[mode] / batch);
  const side = Math.floor(Math.sqrt(maxPixels));
  throw new UsageError(
    `--size ${size[1]}x${size[0]} with batch ${batch}: ${mode === 'train' ? 'training' : 'the forward pass'} needs about ${(need / 1024 ** 3).toFixed(1)} GiB, over the wasm backend's ${WASM_BUDGET_BYTES / 1024 ** 3} GiB limit; at batch ${batch} use at most ${(maxPixels / 1e6).toFixed(2)} Mpixel (e.g. --size ${side}), a smaller --batch, or a native backend (DENSITY_BACKEND=tensorflow)`,
  );
}
