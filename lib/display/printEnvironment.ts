/**
 * Versions of everything a notebook result depends on, for the first cell of every notebook (the
 * original stressed using the same environment for training and testing).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { activeBackend, describeBackend } from '../backend/initBackend';
import { describeDefaultEngine } from '../engine/describeDefaultEngine';
import { tableBundle } from './bundles';
import { sendDisplay } from './kernel';

/** What {@link environmentInfo} reports. Versions are `unknown` when a package is not found. */
export interface EnvironmentInfo {
  /** tslab kernel version (the running kernel's, else the installed one). */
  tslab: string;
  /** TypeScript that compiles notebook cells (tslab's bundled `@tslab/typescript-for-tslab`). */
  typescript: string;
  /** Node.js version, e.g. `v20.19.0`. */
  node: string;
  /** `@tensorflow/tfjs` version. */
  tfjs: string;
  /** Active TF.js backend as reported by `initBackend`, or a note that it is not initialised. */
  backend: string;
  /** The compute engine of predictions and maps (`describeDefaultEngine`: ONNX Runtime by default). */
  engine: string;
  /** Whether this process is a tslab kernel. */
  kernel: boolean;
}

function packageVersion(dir: string | undefined): string {
  if (!dir) return 'unknown';
  try {
    return (
      (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string })
        .version ?? 'unknown'
    );
  } catch {
    // Safe: a missing or unreadable package.json only means the version is reported as unknown.
    return 'unknown';
  }
}

function tslabDir(): { dir: string | undefined; kernel: boolean } {
  for (const file of Object.keys(require.cache ?? {})) {
    const m = /^(.*[\\/]tslab)[\\/]dist[\\/]jupyter\.js$/.exec(file);
    if (m) return { dir: m[1], kernel: true };
  }
  try {
    return { dir: path.dirname(require.resolve('tslab/package.json')), kernel: false };
  } catch {
    // Safe: tslab is not installed (e.g. a CLI-only install); reported as unknown.
    return { dir: undefined, kernel: false };
  }
}

/** Collect the versions and the backend (no side effects; does not initialise a backend). */
export function environmentInfo(): EnvironmentInfo {
  const { dir, kernel } = tslabDir();
  let tsDir: string | undefined;
  try {
    tsDir = dir
      ? path.dirname(require.resolve('@tslab/typescript-for-tslab/package.json', { paths: [dir] }))
      : undefined;
  } catch {
    // Safe: reported as unknown.
    tsDir = undefined;
  }
  const b = activeBackend();
  return {
    tslab: packageVersion(dir),
    typescript: packageVersion(tsDir),
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: b
      ? describeBackend(b).replace(/^breast-density: /, '')
      : `${tf.getBackend() ?? 'none'} (initBackend() not called yet)`,
    engine: describeDefaultEngine(),
    kernel,
  };
}

/**
 * Print the environment (one line per item on stdout) and, in a notebook, show it as a table.
 * Call `await initBackend()` first so that the backend line is the one the notebook uses.
 * Returns nothing (a last-line call prints nothing more); {@link environmentInfo} returns the data.
 */
export function printEnvironment(): void {
  const info = environmentInfo();
  const rows = [
    {
      component: 'tslab kernel',
      version: info.kernel ? info.tslab : `${info.tslab} (not running in a kernel)`,
    },
    { component: 'TypeScript (tslab)', version: info.typescript },
    { component: 'Node.js', version: info.node },
    { component: 'TensorFlow.js', version: info.tfjs },
    { component: 'engine', version: info.engine },
    { component: 'TF.js backend', version: info.backend },
  ];
  if (!sendDisplay(tableBundle(rows, { caption: 'Environment' })))
    for (const r of rows) process.stdout.write(`${r.component}: ${r.version}\n`);
}
