/**
 * Loading `onnxruntime-node` on demand (never at import time), with the execution providers this
 * machine can use: CUDA when the CUDA provider library was installed beside the binding
 * (`npm install --onnxruntime-node-install=cuda12` on a GPU machine), else the CPU.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as Ort from 'onnxruntime-node';

/** The loaded runtime and how sessions should be made. */
export interface OnnxRuntime {
  /** The `onnxruntime-node` module. */
  ort: typeof Ort;
  /** Its version, e.g. `1.30.0`. */
  version: string;
  /** Execution providers in order of preference, e.g. `['cpu']` or `['cuda', 'cpu']`. */
  providers: string[];
  /** Intra-op threads of every session (the cores of this machine, or `DENSITY_ORT_THREADS`). */
  threads: number;
}

function cudaInstalled(ort: typeof Ort): boolean {
  if (!ort.listSupportedBackends().some((b) => b.name === 'cuda')) return false;
  const binding = path.dirname(require.resolve('onnxruntime-node/package.json'));
  const dir = path.join(binding, 'bin', 'napi-v6', process.platform, process.arch);
  return fs.existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
}

function threadCount(): number {
  const env = process.env.DENSITY_ORT_THREADS?.trim();
  if (!env) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new Error(`DENSITY_ORT_THREADS: expected a whole number 1-1024, got "${env}"`);
  }
  return n;
}

/**
 * Load ONNX Runtime.
 * @returns The runtime, its version, providers and thread count.
 * @throws Error saying why it cannot load (package missing, native binding failing to load).
 */
export function loadOnnxRuntime(): OnnxRuntime {
  let ort: typeof Ort;
  try {
    // require, not import: the engine is chosen at run time and the TF.js path must work without it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ort = require('onnxruntime-node') as typeof Ort;
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new Error(`onnxruntime-node cannot load (${first})`);
  }
  const version = ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';
  return {
    ort,
    version,
    providers: cudaInstalled(ort) ? ['cuda', 'cpu'] : ['cpu'],
    threads: threadCount(),
  };
}
