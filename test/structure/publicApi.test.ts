/**
 * The curated public API (lib/index.ts) keeps every name the notebooks, the README and the
 * notebook fixtures import from 'breast-density' (or from the library's root by a relative
 * path), and exports nothing twice under different groups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const INDEX = path.join(ROOT, 'lib', 'index.ts');

/** Names exported by lib/index.ts (values and types). */
function publicNames(): Set<string> {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.name));
}

/** Code of a notebook's cells, or a markdown file's ```ts blocks. */
function codeOf(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.ipynb')) {
    const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
    return nb.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => [c.source].flat().join(''))
      .join('\n');
  }
  return [...text.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

/** Names imported from the package or the library root in some code. */
function importedNames(code: string): string[] {
  const names: string[] = [];
  const re = /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"](breast-density|(?:\.\.\/)+lib)['"]/g;
  for (const m of code.matchAll(re)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0];
      if (name) names.push(name);
    }
  }
  return names;
}

const notebookDir = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => path.join(dir, f));

const SOURCES = [
  ...notebookDir('notebooks'),
  ...notebookDir(path.join('test', 'fixtures', 'notebooks')),
  'README.md',
];
const PUBLIC = publicNames();

test('the public API is curated (no export * but figure/, display/ and plots/, whose index files are curated)', () => {
  const text = fs.readFileSync(INDEX, 'utf8');
  const stars = [...text.matchAll(/export \* from '([^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(stars, ['./figure', './display', './plots']);
  assert.ok(PUBLIC.size > 100 && PUBLIC.size < 450, `${PUBLIC.size} names`);
});

for (const source of SOURCES) {
  test(`public API has every name ${source} imports`, () => {
    const names = importedNames(codeOf(path.join(ROOT, source)));
    assert.ok(source === 'README.md' || names.length > 0, 'no imports found');
    assert.deepEqual(
      names.filter((n) => !PUBLIC.has(n)),
      [],
      `${source} imports names lib/index.ts does not export`,
    );
  });
}
