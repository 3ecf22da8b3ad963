/**
 * A pool of worker threads, each running its own copy of a task module (its own TF.js backend and
 * model), that maps a list of items to results in input order.
 *
 * Why: TF.js's wasm backend runs on one thread in Node, so a batch command uses one core. With
 * one worker per core, images are spread over all cores; the results come back in the same order
 * as a single worker would produce them, whatever the finishing order.
 *
 * Task modules are TypeScript files exporting a factory `(init, info) => Promise<WorkerHandler>`;
 * `lib/parallel/workerEntry.js` registers tsx in the thread and calls it. Items are handed out
 * one at a time to whichever worker is free (dynamic scheduling), so slow images do not hold up
 * a fixed share.
 *
 * Stopping: the first failing item rejects `map` with that error (same class name and message;
 * `InputError` and `UsageError` are rebuilt as such so the CLI keeps its exit codes) and
 * terminates every worker; SIGINT/SIGTERM during `map` terminates every worker before the
 * process ends.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { InputError, UsageError } from '../errors';

/** What a task module's factory returns, inside the worker. */
export interface WorkerHandler<TItem, TResult> {
  /** Process one item. Return {@link withTransfer}(value, buffers) to move buffers instead of copying. */
  run(item: TItem): Promise<TResult | TransferResult<TResult>> | TResult | TransferResult<TResult>;
  /** Free resources (models, tensors) before the worker ends. */
  close?(): Promise<void> | void;
}

/** Factory signature of a task module's export. */
export type WorkerFactory<TInit, TItem, TResult> = (
  init: TInit,
  info: { workerIndex: number },
) => Promise<WorkerHandler<TItem, TResult>> | WorkerHandler<TItem, TResult>;

/** A result whose ArrayBuffers are transferred (moved) to the main thread. */
export interface TransferResult<T> {
  value: T;
  __transfer: ArrayBuffer[];
}

/** Wrap a worker result so that `buffers` are moved, not copied, to the main thread. */
export function withTransfer<T>(value: T, buffers: ArrayBuffer[]): TransferResult<T> {
  return { value, __transfer: buffers };
}

/** Which module and export each worker runs, and the data it starts from. */
export interface WorkerTask<TInit> {
  /** Absolute path of the task module (a `.ts` or `.js` file). */
  modulePath: string;
  /** Name of the factory export. */
  exportName: string;
  /** Structured-cloneable start data (e.g. serialised model artifacts), copied to each worker. */
  init: TInit;
}

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of worker threads; default {@link defaultWorkerCount} (one per core). */
  workers?: number;
  /**
   * Leave SIGINT/SIGTERM to the caller: a map in flight completes (e.g. a trainer's look-ahead
   * batch while the trainer checkpoints at its next batch boundary). Default false: a signal
   * during `map` stops the workers, as the file comment says.
   */
  ignoreSignals?: boolean;
}

/** Options of {@link WorkerPool.map}. */
export interface MapOptions<TItem, TResult> {
  /** Called as each result arrives (any order), with its input index. */
  onResult?: (index: number, result: TResult) => void;
  /** ArrayBuffers of an item to transfer instead of copy (the item is unusable afterwards). */
  transfer?: (item: TItem) => ArrayBuffer[];
}

/** A started pool; see {@link createWorkerPool}. */
export interface WorkerPool<TItem, TResult> {
  /** Number of workers. */
  readonly size: number;
  /**
   * Process every item; resolves to the results in input order.
   * @throws The first item's error (all workers are then terminated and the pool is closed).
   */
  map(items: readonly TItem[], options?: MapOptions<TItem, TResult>): Promise<TResult[]>;
  /** Let workers free their resources and end. Idempotent. */
  close(): Promise<void>;
  /** End all workers at once (no clean-up in the workers). Idempotent. */
  terminate(): Promise<void>;
}

/** Number of cores available to this process (at least 1). */
export function defaultWorkerCount(): number {
  const n =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n);
}

const ENTRY = path.join(__dirname, 'workerEntry.js');

interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
}

function rebuildError(e: SerialisedError, context: string): Error {
  let err: Error;
  if (e.name === 'InputError') err = new InputError(e.message);
  else if (e.name === 'UsageError') err = new UsageError(e.message);
  else {
    err = new Error(`${context}: ${e.message}`);
    err.name = e.name;
  }
  if (e.stack) err.stack = `${err.name}: ${err.message}\n    (in worker) ${e.stack}`;
  return err;
}

type Message =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerialisedError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerialisedError }
  | { type: 'closed' };

/**
 * Start `workers` threads running `task` and wait until each has initialised (loaded its backend
 * and model).
 * @param task The task module, export and init data.
 * @param options Worker count.
 * @returns A {@link WorkerPool}; close it (or let an error terminate it) when done.
 * @throws The first worker's initialisation error (all workers are terminated).
 */
export async function createWorkerPool<TInit, TItem, TResult>(
  task: WorkerTask<TInit>,
  options: WorkerPoolOptions = {},
): Promise<WorkerPool<TItem, TResult>> {
  const size = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(size) || size < 1) {
    throw new UsageError(`--workers: expected a whole number of at least 1, got ${size}`);
  }
  const workers: Worker[] = [];
  const state: PoolState = { closed: false, busy: false };
  const terminate = async (): Promise<void> => {
    state.closed = true;
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0 /* already ended */)));
  };
  try {
    await Promise.all(
      Array.from({ length: size }, (_, workerIndex) => startWorker(task, workerIndex, workers)),
    );
  } catch (err) {
    await terminate();
    throw err;
  }
  return {
    size,
    map(items, mapOptions = {}) {
      if (state.closed) return Promise.reject(new Error('the worker pool is closed'));
      if (state.busy) return Promise.reject(new Error('the worker pool is already running a map'));
      state.busy = true;
      return mapOnWorkers<TItem, TResult>(workers, items, mapOptions, {
        signals: options.ignoreSignals !== true,
        terminate,
        idle: () => {
          state.busy = false;
        },
      });
    },
    async close() {
      if (state.closed) return;
      state.closed = true;
      await closeWorkers(workers);
    },
    terminate,
  };
}

/** Whether a pool is closed, and whether a map is running. */
interface PoolState {
  closed: boolean;
  busy: boolean;
}

/** Start worker `workerIndex` (pushed onto `workers` at once); resolves when it is ready. */
function startWorker<TInit>(
  task: WorkerTask<TInit>,
  workerIndex: number,
  workers: Worker[],
): Promise<void> {
  const w = new Worker(ENTRY, {
    workerData: {
      modulePath: task.modulePath,
      exportName: task.exportName,
      init: task.init,
      workerIndex,
    },
    // The parent's stderr, so backend reports and warnings stay visible.
    stderr: false,
    stdout: false,
  });
  workers.push(w);
  return new Promise<void>((resolve, reject) => {
    const onMessage = (m: Message): void => {
      if (m.type === 'ready') {
        cleanup();
        resolve();
      } else if (m.type === 'init-error') {
        cleanup();
        reject(rebuildError(m.error, `worker ${workerIndex} failed to start`));
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`worker ${workerIndex} exited with code ${code} while starting`));
    };
    const cleanup = (): void => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
}

/**
 * One map over started workers: items dispatched one per idle worker, results in input order.
 * A failure terminates the pool; SIGINT/SIGTERM stop the workers (see the pool's contract).
 */
function mapOnWorkers<TItem, TResult>(
  workers: Worker[],
  items: ReadonlyArray<TItem>,
  mapOptions: MapOptions<TItem, TResult>,
  pool: { signals: boolean; terminate: () => Promise<void>; idle: () => void },
): Promise<TResult[]> {
  const results: TResult[] = new Array(items.length);
  return new Promise<TResult[]>((resolve, reject) => {
    let next = 0;
    let done = 0;
    let settled = false;
    const listeners: { w: Worker; ev: string; fn: (...a: never[]) => void }[] = [];
    const signals: NodeJS.Signals[] = pool.signals ? ['SIGINT', 'SIGTERM'] : [];
    const detach = (): void => {
      for (const l of listeners) l.w.off(l.ev, l.fn as (...a: unknown[]) => void);
      for (const s of signals) process.off(s, onSignal);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      // Another handler (e.g. a checkpointing trainer) decides what happens next: reject so
      // that the caller winds down. Otherwise stop every worker, then end the process the
      // default way (killed by the signal, exit status 128 + n), without a stack trace.
      if (process.listenerCount(signal) > 1) {
        finish(new Error(`interrupted by ${signal}`));
        return;
      }
      settled = true;
      detach();
      void pool.terminate().then(() => process.kill(process.pid, signal));
    };
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      detach();
      pool.idle();
      if (err) {
        void pool.terminate();
        reject(err);
      } else resolve(results);
    };
    for (const s of signals) process.on(s, onSignal);
    const dispatch = (w: Worker): void => {
      if (settled || next >= items.length) return;
      const id = next++;
      const item = items[id];
      w.postMessage({ type: 'run', id, item }, mapOptions.transfer?.(item) ?? []);
    };
    workers.forEach((w, workerIndex) => {
      const onMessage = (m: Message): void => {
        if (settled) return;
        if (m.type === 'result') {
          results[m.id] = m.result as TResult;
          mapOptions.onResult?.(m.id, m.result as TResult);
          done++;
          if (done === items.length) finish();
          else dispatch(w);
        } else if (m.type === 'error') {
          finish(rebuildError(m.error, `item ${m.id} (worker ${workerIndex})`));
        }
      };
      const onError = (err: Error): void => finish(err);
      const onExit = (code: number): void =>
        finish(new Error(`worker ${workerIndex} exited unexpectedly with code ${code}`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      listeners.push(
        { w, ev: 'message', fn: onMessage as never },
        { w, ev: 'error', fn: onError as never },
        { w, ev: 'exit', fn: onExit as never },
      );
    });
    if (items.length === 0) {
      finish();
      return;
    }
    for (const w of workers) dispatch(w);
  });
}

/** Ask every worker to close (its handler's close runs), terminating any still up after 10 s. */
async function closeWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => void w.terminate().then(() => resolve()), 10_000);
          w.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          w.postMessage({ type: 'close' });
        }),
    ),
  );
}
