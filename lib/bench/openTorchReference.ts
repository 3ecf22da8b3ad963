/**
 * The PyTorch reference as a long-lived child process (`scripts/torch_reference.py --serve`), for
 * paired timings: the caller alternates one run of its own engine with one PyTorch run, so that
 * both see the same state of a shared, noisy host (see `scripts/train-step-pairs.ts`).
 */
import { spawn } from 'child_process';
import { createInterface } from 'readline';
import { resolveTorchReference } from './resolveTorchReference';
import type { TorchReferenceOptions } from './runTorchReference';

/** One timed PyTorch run, milliseconds. */
export interface TorchRun {
  /** Wall-clock time of the run. */
  wallMs: number;
  /** Process CPU time (user + system, all threads) of the run. */
  cpuMs: number;
}

/** An open PyTorch reference process; the caller closes it. */
export interface TorchReferenceProcess {
  /** `torch.__version__` of the interpreter. */
  torchVersion: string;
  /** The interpreter running the script. */
  python: string;
  /** Process id of the Python process (e.g. to read its CPU time from `/proc`). */
  pid: number;
  /** Time one run (one training step of `trainBatch` images in `train` mode). */
  run(): Promise<TorchRun>;
  /** End the process (its input is closed) and wait for it to exit. */
  close(): Promise<void>;
}

/** A JSON line reader over the child's stdout: each call resolves with the next line, or `null` at its end. */
function lineReader(stream: NodeJS.ReadableStream) {
  const lines = createInterface({ input: stream })[Symbol.asyncIterator]();
  return async (): Promise<Record<string, unknown> | null> => {
    const { value, done } = await lines.next();
    if (done) return null;
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw new Error(`torch_reference.py --serve printed ${JSON.stringify(value.slice(0, 300))}`);
    }
  };
}

const positive = (j: Record<string, unknown>, key: string): number => {
  const v = j[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`torch_reference.py --serve: ${key} should be a positive number, got ${v}`);
  }
  return v;
};

/**
 * Start the PyTorch reference and wait until it has built the network and run its warm-up.
 * @param options As {@link runTorchReference} (`repeats` is not used: each `run()` is one run).
 * @returns The open process, or `{ skipped }` when no Python can import torch.
 * @throws Error with the script's stderr when it fails to start or its first line is not the
 *   expected `ready` line (size, mode, batch and threads as asked).
 */
export async function openTorchReference(
  options: Omit<TorchReferenceOptions, 'repeats'>,
): Promise<TorchReferenceProcess | { skipped: string }> {
  const command = resolveTorchReference(options);
  if ('skipped' in command) return command;
  const { mode, trainBatch } = command.options;
  const batch = mode === 'train' ? trainBatch : options.batch;
  const args = [...command.args, '--serve'];
  const child = spawn(command.python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A failed spawn or a closed pipe is reported with the process's end (next() and close()).
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', resolve);
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
      resolve(null);
    });
  });
  child.stdin.on('error', (e) => (stderr += `\nstdin: ${e.message}`));
  const read = lineReader(child.stdout);
  /** The next JSON line; when the output has ended, an Error with the exit code and stderr. */
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await read();
    if (line) return line;
    const code = await exited;
    throw new Error(`torch_reference.py --serve ended (exit ${code}): ${stderr.trim()}`);
  };
  const ready = await next();
  const want = {
    ready: true,
    size: options.size,
    mode: options.mode,
    batch,
    threads: options.threads,
  };
  for (const [key, value] of Object.entries(want)) {
    if (ready[key] !== value) {
      child.kill();
      throw new Error(
        `torch_reference.py --serve: ${key} is ${JSON.stringify(ready[key])}, expected ${JSON.stringify(value)}`,
      );
    }
  }
  return {
    torchVersion: String(ready.torch_version),
    python: command.python,
    pid: child.pid ?? -1,
    run: async () => {
      child.stdin.write('run\n');
      const j = await next();
      return { wallMs: positive(j, 'wall_ms'), cpuMs: positive(j, 'cpu_ms') };
    },
    close: async () => {
      child.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error(`torch_reference.py --serve exited with ${code}: ${stderr}`);
    },
  };
}
