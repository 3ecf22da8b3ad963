#!/usr/bin/env node
/**
 * `npm run tutorial`: prepares the environment when needed (environment/setup.js), then executes
 * the tutorial notebooks headless through Jupyter with the tslab kernel, in order:
 * Test → FigureMerit → ClassActivationMaps → Train (short form).
 *
 * Executed copies (with outputs) and HTML exports go to out/notebooks/ (not committed); the
 * notebooks themselves write MAPS/ and the confusion matrices. Every kernel gets
 * BREAST_DENSITY_TUTORIAL=1 (notebooks use it to pick their short settings, e.g. Train's few
 * epochs). The run stops at the first failing cell, naming the notebook and the cell.
 *
 *   node scripts/run-tutorial.js [NAME…] [--timeout SECONDS] [--no-setup]
 *
 * NAME: notebook names in notebooks/ (default: the four above) or paths to .ipynb files.
 * Exit codes: 0 all ran, 1 a cell failed or the environment is not ready, 2 bad arguments.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const j = require('../environment/jupyter.js');
const { ensureEnvironment } = require('../environment/setup.js');

const ROOT = j.ROOT;
const OUT = path.join(ROOT, 'out', 'notebooks');
/** The tutorial, in order. */
const TUTORIAL = ['Test', 'FigureMerit', 'ClassActivationMaps', 'Train'];

function parseArgs(argv) {
  const o = { names: [], timeout: 900, setup: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--timeout') {
      o.timeout = Number(argv[++i]);
      if (!(o.timeout > 0)) throw new Error(`--timeout expects seconds > 0, got "${argv[i]}"`);
    } else if (a === '--no-setup') o.setup = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a.startsWith('-'))
      throw new Error(`unknown option ${a} (use --timeout SECONDS, --no-setup)`);
    else o.names.push(a);
  }
  return o;
}

function resolveNotebook(name) {
  if (name.endsWith('.ipynb')) return path.resolve(name);
  return path.join(ROOT, 'notebooks', `${name}.ipynb`);
}

function fmt(seconds) {
  return seconds >= 60
    ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
    : `${seconds.toFixed(1)} s`;
}

/** Files under `dir` (recursive) modified since `since` (ms), relative to ROOT. */
function newFiles(dir, since, filter = () => true) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!['node_modules', '.git', 'out'].includes(e.name)) walk(p);
      } else if (filter(e.name) && fs.statSync(p).mtimeMs >= since)
        out.push(path.relative(ROOT, p));
    }
  };
  walk(dir);
  return out.sort();
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`tutorial: ${e.message}`);
    return 2;
  }
  if (o.help) {
    console.log('usage: npm run tutorial [-- NAME… --timeout SECONDS --no-setup]');
    return 0;
  }
  const names = o.names.length ? o.names : TUTORIAL;
  const notebooks = names.map(resolveNotebook);
  const missing = notebooks.filter((f) => !fs.existsSync(f));
  if (missing.length) {
    console.error(
      `tutorial: missing notebook(s): ${missing.map((f) => path.relative(ROOT, f)).join(', ')}`,
    );
    return 1;
  }

  const started = Date.now();
  let python;
  if (o.setup) {
    console.log('tutorial: checking the environment (Node, Jupyter, tslab kernel)…');
    // The first notebook starts the kernel anyway: no separate kernel check here.
    const env = ensureEnvironment({ verify: false });
    if (!env.ok) {
      console.error(`tutorial: environment not ready: ${env.message}`);
      return 1;
    }
    console.log(`tutorial: ${env.message}`);
    python = env.python;
  } else {
    python = j.findPython().python;
    if (!python) {
      console.error('tutorial: no Python with Jupyter found: run npm run setup');
      return 1;
    }
  }

  fs.mkdirSync(OUT, { recursive: true });
  const timings = [];
  for (const file of notebooks) {
    const name = path.basename(file, '.ipynb');
    const out = path.join(OUT, `${name}.ipynb`);
    const html = path.join(OUT, `${name}.html`);
    const label = `tutorial: running ${path.relative(ROOT, file)} … `;
    const t0 = Date.now();
    const tty = process.stdout.isTTY;
    let lastLine = 0;
    if (tty) process.stdout.write(label);
    const r = await j.executeNotebookAsync(
      file,
      { out, html, python, timeout: o.timeout, env: { BREAST_DENSITY_TUTORIAL: '1' } },
      (cell, total) => {
        const elapsed = fmt((Date.now() - t0) / 1000);
        if (tty) process.stdout.write(`\r\x1b[K${label}cell ${cell}/${total} (${elapsed})`);
        else if (Date.now() - lastLine > 30_000 || cell === 1) {
          lastLine = Date.now();
          console.log(`${label}cell ${cell}/${total} (${elapsed})`);
        }
      },
    );
    if (tty) process.stdout.write(`\r\x1b[K${label}`);
    else process.stdout.write(label);
    if (!r.ok) {
      console.log('FAILED');
      const where = r.cell
        ? `code cell ${r.cell} (cell #${r.index + 1} of the notebook)`
        : 'kernel start';
      const source = (r.source ?? '')
        .split('\n')
        .slice(0, 6)
        .map((l) => `    | ${l}`)
        .join('\n');
      const lines = (r.error ?? '').split('\n');
      // The error line itself first (tslab prints the code excerpt before it), then context.
      const headline = lines.find((l) => /^\s*(\w*Error|\d+:\d+ - )/.test(l))?.trim() ?? lines[0];
      console.error(
        `\ntutorial: stopped: ${path.relative(ROOT, file)}, ${where} failed:\n${source ? `${source}\n` : ''}` +
          `  error: ${headline}\n` +
          (lines.length > 1
            ? `  details:\n${lines
                .slice(0, 14)
                .map((l) => `    ${l}`)
                .join('\n')}\n`
            : '') +
          (fs.existsSync(out)
            ? `  executed copy up to the failure: ${path.relative(ROOT, out)}\n`
            : '') +
          (r.cell
            ? ''
            : r.stderr
              ? `  Jupyter said: ${r.stderr.split('\n').slice(-5).join('\n  ')}\n`
              : ''),
      );
      return 1;
    }
    console.log(`ok in ${fmt(r.seconds)} (${r.cells} code cells)`);
    timings.push({ name, seconds: r.seconds, out, html });
  }

  const total = (Date.now() - started) / 1000;
  console.log('\ntutorial: done in', fmt(total));
  for (const t of timings)
    console.log(
      `  ${t.name.padEnd(22)} ${fmt(t.seconds).padStart(12)}   ${path.relative(ROOT, t.out)}, ${path.relative(ROOT, t.html)}`,
    );
  const maps = newFiles(path.join(ROOT, 'MAPS'), started);
  const isCm = (f) => /^confusion_?matrix.*\.(png|html)$/i.test(f);
  // FigureMerit writes them under out/ (newFiles skips out/ when walking from the root).
  const cms = [...newFiles(ROOT, started, isCm), ...newFiles(path.join(ROOT, 'out'), started, isCm)];
  const cmDirs = [...new Set(cms.map((f) => path.dirname(f)))];
  console.log(
    `  Grad-CAM maps:        ${maps.length ? `${maps.length} file(s) in MAPS/` : 'none written'}`,
  );
  console.log(
    `  confusion matrices:   ${cms.length ? `${cms.length} file(s) in ${cmDirs.map((d) => `${d}/`).join(', ')}` : 'none written'}`,
  );
  console.log(
    `Open the executed notebooks in Jupyter (jupyter notebook ${path.relative(process.cwd(), OUT) || '.'}) or the .html exports in a browser.`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`tutorial: ${e.stack ?? e}`);
    process.exit(1);
  },
);
