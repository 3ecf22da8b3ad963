/**
 * How the optional PyTorch reference runs: `scripts/torch_reference.py`, the first Python
 * interpreter that can import torch (Debian's `python3-torch`), and the script's arguments for
 * the options asked. Shared by the one-shot measurement ({@link runTorchReference}) and the
 * paired-step process ({@link openTorchReference}), so that both fill in the same defaults.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import type { TorchReferenceOptions } from './runTorchReference';

/** The options of a PyTorch reference run; `repeats` only for a one-shot measurement. */
export type TorchReferenceRequest = Omit<TorchReferenceOptions, 'repeats'> & { repeats?: number };

/** The interpreter, the script and its arguments (`--json` and every option, defaults filled). */
export interface TorchReferenceCommand {
  python: string;
  script: string;
  /** Arguments after the interpreter, the script first. */
  args: string[];
  /** The options with their defaults: layer `add_12`, train batch 4, optimiser `sgd`. */
  options: Required<Omit<TorchReferenceOptions, 'python' | 'repeats'>>;
}

/** Whether each interpreter tried so far can import torch (the import takes a second or two). */
const canImportTorch = new Map<string, boolean>();

/** The first interpreter of `candidates` that can import torch, or null. */
function findTorchPython(candidates: string[]): string | null {
  for (const python of candidates) {
    if (!canImportTorch.has(python)) {
      const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
      canImportTorch.set(python, r.status === 0);
    }
    if (canImportTorch.get(python)) return python;
  }
  return null;
}

/**
 * Find an interpreter for the PyTorch reference and build its command line.
 * @param request What to run. `python`: the only interpreter tried; default `DENSITY_PYTHON`,
 *   else the first of `/usr/bin/python3`, `python3` that can `import torch`.
 * @returns The command, or `{ skipped }` saying what is missing and what was tried.
 */
export function resolveTorchReference(
  request: TorchReferenceRequest,
): TorchReferenceCommand | { skipped: string } {
  const chosen = request.python || process.env.DENSITY_PYTHON || '';
  const candidates = chosen ? [chosen] : ['/usr/bin/python3', 'python3'];
  const python = findTorchPython(candidates);
  if (python === null) {
    return {
      skipped: `python3-torch is not installed (apt-get install python3-torch) — PyTorch reference skipped (tried ${candidates.join(', ')})`,
    };
  }
  const options = {
    size: request.size,
    batch: request.batch,
    mode: request.mode,
    threads: request.threads,
    layer: request.layer ?? 'add_12',
    trainBatch: request.trainBatch ?? 4,
    optimizer: request.optimizer ?? 'sgd',
  };
  const script = path.join(__dirname, '..', '..', 'scripts', 'torch_reference.py');
  const args = [script, '--json', '--mode', options.mode, '--layer', options.layer];
  args.push('--optimizer', options.optimizer, '--size', String(options.size));
  args.push('--batch', String(options.batch), '--threads', String(options.threads));
  args.push('--train-batch', String(options.trainBatch));
  if (request.repeats !== undefined) args.push('--repeats', String(request.repeats));
  return { python, script, args, options };
}
