/**
 * Functions a reader can hold: no function in lib/ is over {@link MAX_LINES} lines (from its
 * first line to its closing brace, nested functions included), measured with the TypeScript
 * compiler over every lib/**\/*.ts file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const LIB = path.join(__dirname, '..', '..', 'lib');
const MAX_LINES = 100;

/** A function of lib/ and its length in lines. */
interface MeasuredFunction {
  /** `<file under lib/>:<name>` (anonymous functions: `<enclosing>/<line>`). */
  id: string;
  lines: number;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Name of a function node: its own, the variable or property it is assigned to, else its line. */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) {
    return parent.name.getText(sf);
  }
  return `<anonymous@${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}>`;
}

/** Every function, method, arrow and accessor of lib/ with its length. */
function measureFunctions(): MeasuredFunction[] {
  const out: MeasuredFunction[] = [];
  for (const file of tsFiles(LIB)) {
    const rel = path.relative(LIB, file).split(path.sep).join('/');
    const sf = ts.createSourceFile(
      file,
      fs.readFileSync(file, 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const fn = node as ts.FunctionLikeDeclaration;
        const first = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
        out.push({ id: `${rel}:${functionName(fn, sf)}`, lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

const MEASURED = measureFunctions();

test('function lengths are measured (sanity)', () => {
  assert.ok(MEASURED.length > 500, `${MEASURED.length} functions`);
  assert.ok(MEASURED.some((f) => f.id === 'errors.ts:errorMessage'));
});

test(`no function in lib/ is over ${MAX_LINES} lines`, () => {
  const long = MEASURED.filter((f) => f.lines > MAX_LINES)
    .sort((a, b) => b.lines - a.lines)
    .map((f) => `lib/${f.id}: ${f.lines} lines`);
  assert.deepEqual(long, [], `split these into named steps:\n${long.join('\n')}`);
});
