/** Types of environment/jupyter.js (Jupyter plumbing for setup, the tutorial runner and tests). */
export declare const ROOT: string;
export declare const VERSIONS: {
  node: string;
  npm: Record<string, string>;
  python: Record<string, string>;
  apt: string[];
  aptFrontend: string[];
  aptTests: string[];
  pipTests: string[];
  pip: string[];
  pipFrontend: string[];
};
export declare const KERNEL_NAME: string;
export declare const KERNEL_LAUNCHER: string;
export declare const LOCAL_JUPYTER_DIR: string;
export declare function compareVersions(a: string, b: string): number;
export declare function satisfies(version: string, spec: string): boolean;
export declare function checkNode(): { ok: boolean; version: string; required: string };
export declare function npmVersion(name: string): string | null;
export declare function checkNpmVersions(): {
  name: string;
  pinned: string;
  installed: string | null;
  ok: boolean;
}[];
export declare function pythonCandidates(): string[];
export interface PythonProbe {
  python: string;
  versions?: Record<string, string | null>;
  error?: string;
}
export declare function probePython(python: string): PythonProbe;
export declare function findPython(): {
  python: string | null;
  versions: Record<string, string | null> | null;
  tried: PythonProbe[];
};
export interface KernelSpecJson {
  argv: string[];
  display_name: string;
  language: string;
  metadata?: Record<string, unknown>;
}
export declare function kernelSpec(): KernelSpecJson;
export declare function writeKernelSpec(dataDir: string): string;
export declare function userDataDir(python: string): string;
export declare function readKernelSpec(dataDir: string): KernelSpecJson | null;
export declare function specIsCurrent(spec: KernelSpecJson | null): boolean;
export declare function jupyterEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
export interface ExecuteResult {
  ok: boolean;
  seconds?: number;
  cells?: number;
  cellSeconds?: number[];
  /** Failing code cell, counted from 1. */
  cell?: number;
  /** Failing cell's position among all cells, from 0. */
  index?: number;
  source?: string;
  error?: string;
  kind?: string;
  /** Jupyter's own stderr (warnings), debugger noise removed. */
  stderr: string;
}
export declare function executeNotebook(
  notebook: string,
  options: {
    out: string;
    html?: string;
    python: string;
    timeout?: number;
    cwd?: string;
    env?: Record<string, string>;
    useLocalSpec?: boolean;
  },
): ExecuteResult;
export declare function executeNotebookAsync(
  notebook: string,
  options: Parameters<typeof executeNotebook>[1],
  onCell?: (cell: number, total: number) => void,
): Promise<ExecuteResult>;
