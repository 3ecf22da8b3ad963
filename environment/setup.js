#!/usr/bin/env node
/**
 * Makes a machine ready for the notebooks (run by `npm run setup` and, when needed, by
 * `npm run tutorial`):
 *
 *  1. checks Node (>= 20.19) and the pinned npm packages (environment/versions.json);
 *  2. finds a Python with Jupyter (nbclient, nbconvert, jupyter_client), installing it where
 *     missing: Debian/Ubuntu packages when root (or with password-less sudo), else
 *     `pip install --user`; a clear message when neither works;
 *  3. registers the `tslab` kernel in the user's Jupyter data dir (seen by Jupyter Lab/Notebook
 *     and VS Code; survives reboots and `npm ci`) pointing at THIS checkout's tslab and this Node,
 *     plus a project-local copy in out/jupyter/ that the tutorial and tests use;
 *  4. makes /usr/bin/python3 import h5py and numpy (the Keras-import tests write their HDF5
 *     fixture with them), installed the same way, so that `npm test` runs every test;
 *  5. verifies the kernel starts: executes a one-cell notebook through the user-level kernelspec.
 *
 * Options: --frontend (also install Jupyter Notebook/Lab for interactive use), --no-install,
 * --no-verify, --quiet. Exit 0 ready, 1 not ready (the message says what to do).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const j = require('./jupyter.js');
const { linkSelf } = require('./link-self.js');

function log(quiet, ...a) {
  if (!quiet) console.log(...a);
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args, quiet) {
  log(quiet, `setup: $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    stdio: quiet ? 'pipe' : 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/**
 * Install Debian packages with apt (root or password-less sudo), else Python packages with
 * `pip install --user` into the first of `pythons` that has pip. Returns a failure message or null.
 * @param {{apt: string[], pip: string[], pythons: string[], what: string, quiet: boolean}} o
 */
function installPackages({ apt, pip, pythons, what, quiet }) {
  if (have('apt-get')) {
    const sudo = isRoot()
      ? []
      : spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
        ? ['sudo', '-n']
        : null;
    if (sudo) {
      const [cmd, ...pre] = sudo.length ? sudo : ['apt-get'];
      const base = sudo.length ? [...pre, 'apt-get'] : [];
      if (
        run(cmd, [...base, 'update', '-qq'], quiet) &&
        run(cmd, [...base, 'install', '-y', '-qq', '--no-install-recommends', ...apt], quiet)
      )
        return null;
      return `apt-get install ${apt.join(' ')} failed (see above)`;
    }
  }
  for (const python of pythons) {
    if (spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status !== 0) continue;
    const r = spawnSync(python, ['-m', 'pip', 'install', '--user', ...pip], { encoding: 'utf8' });
    if (r.status === 0) return null;
    const out = `${r.stdout}\n${r.stderr}`;
    if (/externally-managed-environment/.test(out))
      return (
        `${python} refuses pip --user installs (PEP 668, externally managed). Either run as root ` +
        `(sudo npm run setup) so that the Debian packages are installed: apt-get install ${apt.join(' ')}; ` +
        `or use a virtual environment: python3 -m venv ~/.venvs/jupyter && ~/.venvs/jupyter/bin/pip install ${pip.join(' ')} ` +
        `&& DENSITY_PYTHON=~/.venvs/jupyter/bin/python npm run setup`
      );
    return `${python} -m pip install --user ${pip.join(' ')} failed: ${out.trim().split('\n').slice(-2).join(' ')}`;
  }
  return (
    `${what} is missing and cannot be installed automatically: not root (no password-less sudo) and no pip. ` +
    `Install it as root with: apt-get install ${apt.join(' ')} (Debian/Ubuntu), or with pip: ` +
    `pip install --user ${pip.join(' ')}${what === 'Jupyter' ? '; point DENSITY_PYTHON at that Python if it is not python3' : ''}.`
  );
}

/** Install Jupyter with apt (root or password-less sudo) or pip --user. Returns a failure message or null. */
function installJupyter({ frontend, quiet }) {
  return installPackages({
    apt: [...j.VERSIONS.apt, ...(frontend ? j.VERSIONS.aptFrontend : [])],
    pip: [...j.VERSIONS.pip, ...(frontend ? j.VERSIONS.pipFrontend : [])],
    pythons: ['python3', '/usr/bin/python3'],
    what: 'Jupyter',
    quiet,
  });
}

/** The Python the Keras-import tests run (test/keras.test.ts writes its HDF5 fixture with it). */
const TEST_PYTHON = '/usr/bin/python3';

/**
 * Make `npm test` run every test: /usr/bin/python3 must import h5py and numpy, or the 20
 * Keras-import tests cannot write their fixture, and torch, for the PyTorch side-by-side
 * reference of the bench and its tests. Installed like Jupyter when missing. Returns a warning
 * (tests would fail) or null; never stops the set-up (the notebooks do not need it).
 */
function ensureTestPython({ install, quiet }) {
  const ok = () =>
    spawnSync(TEST_PYTHON, ['-c', 'import h5py, numpy, torch'], { stdio: 'ignore' }).status === 0;
  if (ok()) return null;
  const hint = `apt-get install ${j.VERSIONS.aptTests.join(' ')}`;
  if (install === false) return `${TEST_PYTHON} cannot import h5py, numpy and torch (${hint})`;
  log(
    quiet,
    `setup: installing h5py, numpy and torch for ${TEST_PYTHON} (the Keras-import tests and the PyTorch reference need them)`,
  );
  const failure = installPackages({
    apt: j.VERSIONS.aptTests,
    pip: j.VERSIONS.pipTests,
    pythons: [TEST_PYTHON],
    what: 'h5py',
    quiet,
  });
  if (failure) return failure;
  return ok() ? null : `h5py/torch were installed but ${TEST_PYTHON} cannot import them (${hint})`;
}

/** Execute a one-cell notebook through the user-level kernelspec; returns a failure message or null. */
function verifyKernel(python, quiet) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-kernel-check-'));
  try {
    const nb = {
      cells: [
        {
          cell_type: 'code',
          execution_count: null,
          metadata: {},
          outputs: [],
          source:
            "import * as tslab from 'tslab';\nconst answer: number = 6 * 7;\nconsole.log(`tslab ${tslab.versions.tslab} TypeScript ${tslab.versions.typescript} ${answer}`);",
        },
      ],
      metadata: {
        kernelspec: { name: 'tslab', display_name: 'TypeScript (tslab)', language: 'typescript' },
      },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const file = path.join(dir, 'check.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const t0 = Date.now();
    // useLocalSpec false: check exactly what Jupyter and VS Code will start.
    const r = j.executeNotebook(file, {
      out: path.join(dir, 'out.ipynb'),
      python,
      timeout: 120,
      useLocalSpec: false,
    });
    if (!r.ok)
      return `the tslab kernel did not run a one-cell notebook: ${r.error}${r.stderr ? `\n${r.stderr}` : ''}`;
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'out.ipynb'), 'utf8'));
    const text = out.cells[0].outputs.map((o) => [].concat(o.text ?? []).join('')).join('');
    if (!/tslab [\d.]+ TypeScript [\d.]+ 42/.test(text))
      return `the kernel ran but printed "${text.trim()}" instead of "tslab … TypeScript … 42"`;
    log(
      quiet,
      `setup: kernel check passed in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${text.trim()}`,
    );
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Make the environment ready. Returns `{ok, python, message}`; never exits the process.
 * @param {{install?: boolean, verify?: boolean, frontend?: boolean, quiet?: boolean}} o
 */
function ensureEnvironment(o = {}) {
  const quiet = !!o.quiet;
  const node = j.checkNode();
  if (!node.ok)
    return {
      ok: false,
      message: `Node ${node.version} is too old: the project needs Node ${node.required} (https://nodejs.org, or nvm install 20)`,
    };
  if (!fs.existsSync(path.join(j.ROOT, 'node_modules', 'tslab', 'bin', 'tslab')))
    return {
      ok: false,
      message: `node_modules/tslab is missing: run npm install (or npm ci) in ${j.ROOT} first`,
    };
  log(quiet, `setup: ${linkSelf()}`);
  const pins = j.checkNpmVersions();
  const bad = pins.filter((p) => !p.ok);
  if (bad.length)
    log(
      false,
      `setup: WARNING installed versions differ from environment/versions.json: ${bad.map((p) => `${p.name} ${p.installed ?? 'missing'} (pinned ${p.pinned})`).join(', ')}; run npm ci for the pinned environment`,
    );

  let found = j.findPython();
  if (!found.python || (o.frontend && !hasFrontend(found.python))) {
    if (o.install === false)
      return {
        ok: false,
        message: `no Python with Jupyter found (tried ${found.tried.map((t) => `${t.python}: ${t.error}`).join('; ')}); run npm run setup`,
      };
    log(
      quiet,
      `setup: installing Jupyter (${found.python ? 'front end' : `no Python with nbclient/nbconvert/jupyter_client among ${j.pythonCandidates().join(', ')}`})`,
    );
    const failure = installJupyter({ frontend: !!o.frontend, quiet });
    if (failure) return { ok: false, message: failure };
    found = j.findPython();
    if (!found.python)
      return {
        ok: false,
        message: `Jupyter was installed but no Python can import it (tried ${found.tried.map((t) => `${t.python}: ${t.error}`).join('; ')}); set DENSITY_PYTHON to the right interpreter`,
      };
  }
  const python = found.python;
  const v = found.versions;
  const testWarning = ensureTestPython({ install: o.install, quiet });
  if (testWarning) log(false, `setup: WARNING npm test needs it: ${testWarning}`);
  for (const [mod, spec] of Object.entries(j.VERSIONS.python))
    if (!v[mod] || !j.satisfies(v[mod], spec))
      return {
        ok: false,
        message: `${python}: ${mod} ${v[mod] ?? 'missing'} does not satisfy ${spec}`,
      };

  // Kernelspecs: user-level (interactive use) and project-local (tutorial/tests).
  const dataDir = j.userDataDir(python);
  const before = j.readKernelSpec(dataDir);
  if (!j.specIsCurrent(before)) {
    if (before)
      log(
        quiet,
        `setup: replacing the user's tslab kernelspec (it started ${before.argv?.slice(0, 2).join(' ')})`,
      );
    log(quiet, `setup: registered kernel "tslab" -> ${j.writeKernelSpec(dataDir)}`);
  }
  j.writeKernelSpec(j.LOCAL_JUPYTER_DIR);
  if (o.verify !== false) {
    const failure = verifyKernel(python, quiet);
    if (failure) return { ok: false, python, message: failure };
  }
  const summary = [
    `Node ${process.versions.node}`,
    ...pins.map((p) => `${p.name} ${p.installed}`),
    `Python ${v.executable}`,
    ...Object.keys(j.VERSIONS.python).map((m) => `${m} ${v[m]}`),
  ].join(', ');
  return { ok: true, python, message: `ready: ${summary}` };
}

function hasFrontend(python) {
  return (
    spawnSync(python, ['-c', 'import notebook'], { stdio: 'ignore' }).status === 0 ||
    spawnSync(python, ['-c', 'import jupyterlab'], { stdio: 'ignore' }).status === 0
  );
}

module.exports = { ensureEnvironment };

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter(
    (a) => !['--frontend', '--no-install', '--no-verify', '--quiet'].includes(a),
  );
  if (unknown.length) {
    console.error(
      `setup: unknown option ${unknown.join(' ')} (use --frontend, --no-install, --no-verify, --quiet)`,
    );
    process.exit(1);
  }
  const r = ensureEnvironment({
    frontend: args.includes('--frontend'),
    install: !args.includes('--no-install'),
    verify: !args.includes('--no-verify'),
    quiet: args.includes('--quiet'),
  });
  if (!r.ok) {
    console.error(`setup: NOT READY: ${r.message}`);
    process.exit(1);
  }
  console.log(`setup: ${r.message}`);
}
