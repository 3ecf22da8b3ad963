/**
 * Where the optional PyTorch reference runs: `scripts/torch_reference.py` and the first Python
 * interpreter that can import torch (Debian's `python3-torch`). Shared by the one-shot
 * measurement ({@link runTorchReference}) and the paired-step process ({@link openTorchReference}).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

/** The script and the interpreter to run it with. */
export interface TorchReferenceCommand {
  python: string;
  script: string;
}

/** Whether each interpreter tried so far can import torch (the import takes a second or two). */
const canImportTorch = new Map<string, boolean>();

/**
 * Find an interpreter for the PyTorch reference.
 * @param explicit An interpreter to use (the only one tried); default `DENSITY_PYTHON`, else the
 *   first of `/usr/bin/python3`, `python3` that can `import torch`.
 * @returns The command, or `{ skipped }` saying what is missing and what was tried.
 */
export function resolveTorchReference(
  explicit?: string,
): TorchReferenceCommand | { skipped: string } {
  const chosen = explicit || process.env.DENSITY_PYTHON || '';
  const candidates = chosen ? [chosen] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    if (!canImportTorch.has(python)) {
      const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
      canImportTorch.set(python, r.status === 0);
    }
    if (canImportTorch.get(python)) {
      return { python, script: path.join(__dirname, '..', '..', 'scripts', 'torch_reference.py') };
    }
  }
  return {
    skipped: `python3-torch is not installed (apt-get install python3-torch) — PyTorch reference skipped (tried ${candidates.join(', ')})`,
  };
}
