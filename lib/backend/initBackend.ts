/**
 * TensorFlow.js backend selection.
 *
 * One call, {@link initBackend}, picks the fastest backend present, in this order:
 *
 * | name              | package                         | where                                  |
 * |-------------------|---------------------------------|----------------------------------------|
 * | `tensorflow-gpu`  | `@tensorflow/tfjs-node-gpu`     | Linux + CUDA 11.2 / cuDNN 8.1 (tfjs 4.x)|
 * | `tensorflow`      | `@tensorflow/tfjs-node`         | native libtensorflow on the CPU        |
 * | `wasm`            | `@tensorflow/tfjs-backend-wasm` | everywhere (SIMD; one thread in Node)  |
 * | `cpu`             | built into `@tensorflow/tfjs`   | pure JavaScript, ~20x slower than wasm |
 *
 * The `cpu` backend is never chosen silently: it is used only when forced
 * (`DENSITY_BACKEND=cpu` or `{ backend: 'cpu' }`). The environment variable
 * `DENSITY_BACKEND` forces any of the four names. The chosen backend is reported once per process.
 *
 * Both native packages register a backend that TF.js calls `tensorflow`; they must resolve to the
 * same `@tensorflow/tfjs` copy as this project (same version, deduplicated by npm), otherwise
 * they would register their backend in another engine: that case is detected and reported.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmMaxPoolGrad } from './registerWasmMaxPoolGrad';
import { InputError, UsageError } from '../errors';

/** Backend names accepted by {@link initBackend} and `DENSITY_BACKEND`, fastest first. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** One of {@link BACKEND_NAMES}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What {@link initBackend} chose. */
export interface BackendInfo {
  /** Project name of the backend (`tensorflow-gpu` when tfjs-node-gpu was loaded). */
  name: BackendName;
  /** Name TF.js knows it by (`tf.getBackend()`): `tensorflow`, `wasm` or `cpu`. */
  tfName: string;
  /** Whether the choice was forced by option or `DENSITY_BACKEND`. */
  forced: boolean;
  /** Human-readable details: SIMD and threads for wasm, the package for native backends. */
  detail: string;
  /** Backends tried before this one and why each was skipped. */
  skipped: { name: BackendName; reason: string }[];
  /** TF.js version. */
  tfjsVersion: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Force this backend (overrides `DENSITY_BACKEND`). */
  backend?: BackendName;
  /** Where to report the choice; default: one line on stderr. Pass `null` for silence. */
  report?: ((line: string) => void) | null;
}

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let current: BackendInfo | undefined;

function parseBackendName(value: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new UsageError(`${source}: expected one of ${BACKEND_NAMES.join(', ')}, got "${value}"`);
}

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<string> {
  const pkg = NATIVE_PACKAGES[name];
  // require, not import: the package is optional and its absence is the normal case.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(pkg);
  if (!tf.findBackend('tensorflow')) {
    throw new Error(
      `${pkg} loaded but registered no "tensorflow" backend in this project's TF.js ${tf.version.tfjs}; ` +
        `install the same version (npm ls @tensorflow/tfjs shows duplicates)`,
    );
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg}: backend failed to initialise`);
  return pkg;
}

async function tryWasm(): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
  await tf.ready();
  // Its own MaxPoolGrad is wrong on all-negative windows and ties: replaced (see maxPoolBackprop).
  registerWasmMaxPoolGrad();
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `SIMD ${simd ? 'on' : 'off'}, ${threads ? 'multi-threaded' : 'one thread'}`;
}

async function activate(name: BackendName): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(name);
    case 'wasm':
      return tryWasm();
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to initialise');
      return 'pure JavaScript (slow: about 20x slower than wasm)';
  }
}

/**
 * Initialise TensorFlow.js with the best backend available and report the choice once.
 *
 * Idempotent: later calls return the same {@link BackendInfo} without re-initialising, unless a
 * different backend is forced.
 * @param options Force a backend or redirect the report.
 * @returns What was chosen and what was skipped.
 * @throws UsageError for an unknown `DENSITY_BACKEND`; InputError when a forced backend cannot
 *   start, or when no backend but `cpu` is available (the message says how to force `cpu`).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const env = process.env.DENSITY_BACKEND?.trim();
  const forcedName =
    options.backend ?? (env ? parseBackendName(env, 'DENSITY_BACKEND') : undefined);
  if (current && (forcedName === undefined || forcedName === current.name)) {
    if (tf.getBackend() === current.tfName) return current;
  }
  const candidates: BackendName[] = forcedName
    ? [forcedName]
    : ['tensorflow-gpu', 'tensorflow', 'wasm'];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of candidates) {
    try {
      const detail = await activate(name);
      current = {
        name,
        tfName: tf.getBackend(),
        forced: forcedName !== undefined,
        detail,
        skipped,
        tfjsVersion: tf.version.tfjs,
      };
      const report =
        options.report === undefined
          ? (l: string) => process.stderr.write(`${l}\n`)
          : options.report;
      report?.(describeBackend(current));
      return current;
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      // The environment, not a bug: a clean one-line error (CLI exit code 2).
      if (forcedName)
        throw new InputError(`backend "${name}" was forced but cannot start: ${reason}`);
      skipped.push({ name, reason });
    }
  }
  throw new InputError(
    `no fast TensorFlow.js backend could start (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}). ` +
      `Set DENSITY_BACKEND=cpu to run on the pure-JavaScript backend (about 20x slower).`,
  );
}

/**
 * The backend chosen by {@link initBackend} in this process, or `undefined` before the first call.
 */
export function activeBackend(): BackendInfo | undefined {
  return current;
}

/**
 * One line describing a backend choice, e.g.
 * `breast-density: TensorFlow.js 4.22.0 backend wasm (SIMD on, one thread)`.
 */
export function describeBackend(info: BackendInfo): string {
  const forced = info.forced ? ', forced' : '';
  return `breast-density: TensorFlow.js ${info.tfjsVersion} backend ${info.name} (${info.detail}${forced})`;
}
