#!/usr/bin/env node
/**
 * Committed notebooks must be clean: no outputs, no execution counts, kernelspec `tslab`.
 *
 *   node scripts/clean-notebooks.js            clean notebooks/ and test/fixtures/notebooks/ in place
 *   node scripts/clean-notebooks.js --check    list problems and exit 1 if any (changes nothing)
 *   node scripts/clean-notebooks.js FILE…      only these notebooks
 *
 * (`npm run clean-notebooks`). Files are written atomically in Jupyter's own layout (1-space
 * JSON indent, trailing newline) so that a clean notebook re-saved by Jupyter gives no diff.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** Folders whose notebooks are committed. */
const NOTEBOOK_DIRS = ['notebooks', path.join('test', 'fixtures', 'notebooks')];
/** The kernelspec every notebook must name. */
const KERNELSPEC = { display_name: 'TypeScript (tslab)', language: 'typescript', name: 'tslab' };
const LANGUAGE_INFO = { file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' };

/** Committed notebooks (absolute paths), sorted. */
function listNotebooks() {
  return NOTEBOOK_DIRS.flatMap((d) => {
    const dir = path.join(ROOT, d);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .map((f) => path.join(dir, f));
  }).sort();
}

/** Problems of a parsed notebook (empty when clean). */
function notebookProblems(nb) {
  const problems = [];
  if (nb.nbformat !== 4) problems.push(`nbformat ${nb.nbformat}, expected 4`);
  const ks = nb.metadata?.kernelspec;
  if (!ks || ks.name !== KERNELSPEC.name || ks.language !== KERNELSPEC.language)
    problems.push(
      `kernelspec ${JSON.stringify(ks ?? null)}, expected name "tslab", language "typescript"`,
    );
  (nb.cells ?? []).forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if (c.outputs && c.outputs.length) problems.push(`cell ${i}: ${c.outputs.length} output(s)`);
    if (c.execution_count !== null && c.execution_count !== undefined)
      problems.push(`cell ${i}: execution_count ${c.execution_count}`);
  });
  return problems;
}

/** A clean copy: outputs and counts removed, kernelspec/language_info set, run metadata dropped. */
function cleanNotebook(nb) {
  const copy = JSON.parse(JSON.stringify(nb));
  copy.metadata = {
    ...(copy.metadata ?? {}),
    kernelspec: KERNELSPEC,
    language_info: LANGUAGE_INFO,
  };
  delete copy.metadata.widgets;
  for (const c of copy.cells ?? []) {
    if (c.metadata) {
      delete c.metadata.execution;
      delete c.metadata.collapsed;
      delete c.metadata.scrolled;
    }
    if (c.cell_type === 'code') {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  return copy;
}

/** Jupyter's file layout: 1-space indent, non-ASCII kept, trailing newline. */
function serializeNotebook(nb) {
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function main(argv) {
  const check = argv.includes('--check');
  const files = argv.filter((a) => a !== '--check').map((f) => path.resolve(f));
  const targets = files.length ? files : listNotebooks();
  let dirty = 0;
  for (const file of targets) {
    const rel = path.relative(ROOT, file);
    let nb;
    try {
      nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.error(`${rel}: not a readable notebook (${e.message})`);
      dirty++;
      continue;
    }
    const problems = notebookProblems(nb);
    if (check) {
      if (problems.length) {
        dirty++;
        console.error(`${rel}: ${problems.join('; ')}`);
      }
      continue;
    }
    const text = serializeNotebook(cleanNotebook(nb));
    if (text !== fs.readFileSync(file, 'utf8')) {
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file);
      console.log(`cleaned ${rel}${problems.length ? ` (${problems.join('; ')})` : ''}`);
    }
  }
  if (check && dirty) {
    console.error(`clean-notebooks: ${dirty} notebook(s) not clean: run npm run clean-notebooks`);
    return 1;
  }
  if (check) console.log(`clean-notebooks: ${targets.length} notebook(s) clean`);
  return 0;
}

module.exports = {
  KERNELSPEC,
  NOTEBOOK_DIRS,
  listNotebooks,
  notebookProblems,
  cleanNotebook,
  serializeNotebook,
};

if (require.main === module) process.exit(main(process.argv.slice(2)));
