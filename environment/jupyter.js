/**
 * Jupyter plumbing shared by `environment/setup.js`, `scripts/run-tutorial.js` and the notebook
 * tests: finding a Python with Jupyter, the tslab kernelspec of THIS checkout, executing a
 * notebook headless (environment/execute_notebook.py, nbclient) and checking pinned versions.
 * CommonJS, no dependencies beyond Node; types in jupyter.d.ts.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const VERSIONS = require('./versions.json');
/** Kernel name used in every notebook's metadata.kernelspec.name. */
const KERNEL_NAME = 'tslab';
/** Project-local Jupyter data dir (ignored): holds a kernelspec for headless runs. */
const LOCAL_JUPYTER_DIR = path.join(ROOT, 'out', 'jupyter');
const EXECUTE_PY = path.join(__dirname, 'execute_notebook.py');
const PY_MODULES = ['nbclient', 'nbconvert', 'nbformat', 'jupyter_client'];

/** Compare dotted versions: -1, 0, 1. */
function compareVersions(a, b) {
  const pa = String(a)
    .split(/[.+-]/)
    .map((x) => parseInt(x, 10) || 0);
  const pb = String(b)
    .split(/[.+-]/)
    .map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Whether `version` satisfies `spec` (`1.2.3` exact or `>=1.2`). */
function satisfies(version, spec) {
  const m = /^>=\s*(.+)$/.exec(spec);
  return m ? compareVersions(version, m[1]) >= 0 : compareVersions(version, spec) === 0;
}

/** Node check: `{ok, version, required}`. */
function checkNode() {
  return {
    ok: satisfies(process.versions.node, VERSIONS.node),
    version: process.versions.node,
    required: VERSIONS.node,
  };
}

/** Installed version of an npm package (resolved from the checkout, then from tslab), or null. */
function npmVersion(name) {
  for (const base of [ROOT, path.join(ROOT, 'node_modules', 'tslab')]) {
    try {
      return require(require.resolve(`${name}/package.json`, { paths: [base] })).version;
    } catch {
      // Not resolvable from this base: try the next one.
    }
  }
  return null;
}

/** Installed vs pinned npm versions: `[{name, pinned, installed, ok}]`. */
function checkNpmVersions() {
  return Object.entries(VERSIONS.npm).map(([name, pinned]) => {
    const installed = npmVersion(name);
    return { name, pinned, installed, ok: installed !== null && satisfies(installed, pinned) };
  });
}

/**
 * Python interpreters to try, in order: $DENSITY_PYTHON, Debian's /usr/bin/python3 (where apt
 * installs Jupyter), python3 on PATH (pip --user installs), /usr/local/bin/python3.
 */
function pythonCandidates() {
  const list = [
    process.env.DENSITY_PYTHON,
    '/usr/bin/python3',
    'python3',
    '/usr/local/bin/python3',
  ];
  return [...new Set(list.filter(Boolean))];
}

/** Jupyter module versions of one interpreter: `{python, versions}` or `{python, error}`. */
function probePython(python) {
  const code =
    'import json,sys\nout={"executable":sys.executable}\n' +
    `for m in ${JSON.stringify(PY_MODULES)}:\n` +
    '    try:\n        out[m]=__import__(m).__version__\n    except Exception as e:\n        out[m]=None\n' +
    'print(json.dumps(out))';
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0)
    return { python, error: (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() };
  const versions = JSON.parse(r.stdout.trim().split('\n').pop());
  const missing = PY_MODULES.filter((m) => !versions[m]);
  return missing.length
    ? { python, versions, error: `missing Python modules: ${missing.join(', ')}` }
    : { python, versions };
}

/** The first interpreter with every Jupyter module, or null. Also returns what was tried. */
function findPython() {
  const tried = [];
  for (const python of pythonCandidates()) {
    tried.push(probePython(python));
    if (!tried[tried.length - 1].error) break;
  }
  const ok = tried.find((t) => !t.error);
  return { python: ok ? ok.python : null, versions: ok ? ok.versions : null, tried };
}

/** The launcher that starts this checkout's tslab (see environment/tslab-kernel.js). */
const KERNEL_LAUNCHER = path.join(__dirname, 'tslab-kernel.js');

/** The kernelspec (kernel.json) that starts THIS checkout's tslab with THIS Node. */
function kernelSpec() {
  return {
    argv: [process.execPath, KERNEL_LAUNCHER, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
    metadata: {
      'breast-density': { checkout: ROOT, tslab: npmVersion('tslab'), node: process.version },
    },
  };
}

/** Write kernel.json atomically into `<dataDir>/kernels/tslab/`. Returns its path. */
function writeKernelSpec(dataDir) {
  const dir = path.join(dataDir, 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kernel.json');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  fs.renameSync(tmp, file);
  return file;
}

/** The user's Jupyter data dir according to `python` (e.g. ~/.local/share/jupyter). */
function userDataDir(python) {
  const r = spawnSync(
    python,
    ['-c', 'from jupyter_core.paths import jupyter_data_dir; print(jupyter_data_dir())'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0)
    throw new Error(
      `cannot ask ${python} for the Jupyter data dir: ${r.stderr.trim().split('\n').pop()}`,
    );
  return r.stdout.trim();
}

/** The kernel.json registered under `dataDir`, or null. */
function readKernelSpec(dataDir) {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(dataDir, 'kernels', KERNEL_NAME, 'kernel.json'), 'utf8'),
    );
  } catch {
    return null;
  }
}

/** Whether a kernelspec starts this checkout's tslab with an existing Node. */
function specIsCurrent(spec) {
  const want = kernelSpec();
  return (
    !!spec &&
    Array.isArray(spec.argv) &&
    spec.argv[0] === want.argv[0] &&
    spec.argv[1] === want.argv[1] &&
    fs.existsSync(spec.argv[0])
  );
}

/** Environment for Jupyter processes: the project-local kernelspec first on JUPYTER_PATH. */
function jupyterEnv(extra = {}) {
  const jp = [LOCAL_JUPYTER_DIR, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, JUPYTER_PATH: jp, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...extra };
}

function executeArgs(notebook, o) {
  if (o.useLocalSpec !== false) writeKernelSpec(LOCAL_JUPYTER_DIR);
  const args = [
    EXECUTE_PY,
    notebook,
    '--out',
    o.out,
    '--kernel',
    KERNEL_NAME,
    '--timeout',
    String(o.timeout ?? 600),
  ];
  if (o.html) args.push('--html', o.html);
  if (o.cwd) args.push('--cwd', o.cwd);
  const env = o.useLocalSpec === false ? { ...process.env, ...(o.env ?? {}) } : jupyterEnv(o.env);
  return { args, env };
}

const NOISE =
  /Debugger warning|frozen modules|Xfrozen_modules|PYDEVD|Debugging will proceed|^@@cell /;

function parseResult(status, stdout, stderr, spawnError) {
  const lines = (stdout ?? '').trim().split('\n');
  let result;
  try {
    result = JSON.parse(lines[lines.length - 1]);
  } catch {
    result = {
      ok: false,
      error: `execute_notebook.py failed (exit ${status}): ${(stderr || spawnError?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    };
  }
  const cleaned = (stderr ?? '')
    .split('\n')
    .filter((l) => !NOISE.test(l))
    .join('\n')
    .trim();
  return { ...result, stderr: cleaned };
}

/**
 * Execute a notebook headless through the tslab kernel (one kernel per notebook).
 * @param {string} notebook Path of the .ipynb.
 * @param {{out: string, html?: string, python: string, timeout?: number, cwd?: string, env?: object, useLocalSpec?: boolean}} o
 * @returns {{ok: boolean, seconds?: number, cells?: number, cellSeconds?: number[], cell?: number, index?: number, source?: string, error?: string, kind?: string, stderr: string}}
 */
function executeNotebook(notebook, o) {
  const { args, env } = executeArgs(notebook, o);
  const r = spawnSync(o.python, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return parseResult(r.status, r.stdout, r.stderr, r.error);
}

/**
 * Like {@link executeNotebook}, asynchronously, calling `onCell(number, total)` as each code
 * cell starts.
 */
function executeNotebookAsync(notebook, o, onCell) {
  const { spawn } = require('child_process');
  const { args, env } = executeArgs(notebook, o);
  return new Promise((resolve) => {
    const child = spawn(o.python, [...args, '--progress'], { env });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const l of lines) {
        const m = /^@@cell (\d+)\/(\d+)$/.exec(l);
        if (m && onCell) onCell(Number(m[1]), Number(m[2]));
      }
    });
    child.on('error', (e) => resolve(parseResult(null, stdout, stderr, e)));
    child.on('close', (status) => resolve(parseResult(status, stdout, stderr)));
  });
}

module.exports = {
  ROOT,
  VERSIONS,
  KERNEL_NAME,
  KERNEL_LAUNCHER,
  LOCAL_JUPYTER_DIR,
  compareVersions,
  satisfies,
  checkNode,
  npmVersion,
  checkNpmVersions,
  pythonCandidates,
  probePython,
  findPython,
  kernelSpec,
  writeKernelSpec,
  userDataDir,
  readKernelSpec,
  specIsCurrent,
  jupyterEnv,
  executeNotebook,
  executeNotebookAsync,
};
