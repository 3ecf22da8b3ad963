/**
 * The layering of lib/, checked over the import graph (every `import`, `export … from`,
 * `require()` and `import()` of lib/**\/*.ts and *.js):
 *
 *   workflow  cli/, workflows/             whole runs: read inputs, compute, write outputs
 *   ───────── (may import anything below; workflows/ never imports cli/)
 *   compute   every other folder           model, data, cam, metrics, predict, onnx, engine,
 *                                          fast, preprocess, phantom, io, keras, modelFiles,
 *                                          train, figure, plots, display, parallel, bench…
 *
 * Compute folders never import workflow folders, and nothing imports lib/index.ts (the public
 * API only re-exports). Within compute: cam/ imports neither parallel/ nor phantom/, and
 * parallel/ stays generic (worker machinery: backend, errors, fast, io, progress only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const LIB = path.join(__dirname, '..', '..', 'lib');
const WORKFLOW_FOLDERS = ['cli', 'workflows'];

interface ImportEdge {
  /** Importing file, relative to lib/ with `/`. */
  from: string;
  /** Imported file or folder, relative to lib/ with `/` (no extension). */
  to: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every relative import of lib/, resolved to a path under lib/. */
function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(LIB)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      const spec = ref.fileName;
      const rel = (p: string) => path.relative(LIB, p).split(path.sep).join('/');
      if (spec === 'breast-density') edges.push({ from: rel(file), to: 'index' });
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec).replace(/\.(ts|js)$/, '');
      edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

/** Top folder of a lib/-relative path (`cam/gradCam` → `cam`; `errors` → `errors`). */
const folderOf = (p: string): string => p.split('/')[0];

const EDGES = importEdges();

test('the import graph is read (sanity: known edges are found)', () => {
  assert.ok(EDGES.length > 300, `${EDGES.length} edges`);
  assert.ok(
    EDGES.some((e) => e.from === 'cli/commands/gradcam.ts' && e.to === 'workflows/generateCamMaps'),
  );
  assert.ok(
    EDGES.every((e) => !e.to.startsWith('..')),
    'an import leaves lib/',
  );
});

/** [rule, offending edge predicate]. */
const RULES: [string, (e: ImportEdge) => boolean][] = [
  [
    'compute folders never import workflow folders (cli/, workflows/)',
    (e) =>
      e.from !== 'index.ts' && // the public API re-exports every layer
      !WORKFLOW_FOLDERS.includes(folderOf(e.from)) &&
      WORKFLOW_FOLDERS.includes(folderOf(e.to)),
  ],
  [
    'workflows/ never imports cli/',
    (e) => folderOf(e.from) === 'workflows' && folderOf(e.to) === 'cli',
  ],
  [
    'nothing imports lib/index.ts',
    (e) => e.to === 'index' || (e.to === '' && e.from !== 'index.ts'),
  ],
  [
    'cam/ does not import parallel/',
    (e) => folderOf(e.from) === 'cam' && folderOf(e.to) === 'parallel',
  ],
  [
    'cam/ does not import phantom/',
    (e) => folderOf(e.from) === 'cam' && folderOf(e.to) === 'phantom',
  ],
  [
    'parallel/ stays generic (backend, errors, fast, io, progress only)',
    (e) =>
      folderOf(e.from) === 'parallel' &&
      !['parallel', 'backend', 'errors', 'fast', 'io', 'progress'].includes(folderOf(e.to)),
  ],
  [
    'train/ does not import predict/ (shared formatting lives in io/)',
    (e) => folderOf(e.from) === 'train' && folderOf(e.to) === 'predict',
  ],
];

for (const [rule, offends] of RULES) {
  test(`layering: ${rule}`, () => {
    const bad = EDGES.filter(offends).map((e) => `lib/${e.from} → lib/${e.to}`);
    assert.deepEqual(bad, [], `imports against the rule:\n${bad.join('\n')}`);
  });
}
