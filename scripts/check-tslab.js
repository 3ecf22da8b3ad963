#!/usr/bin/env node
// Type-checks lib/ exactly as the tslab kernel compiles it: tslab's bundled TypeScript
// (@tslab/typescript-for-tslab 5.0), module ESNext then CommonJS, node10 resolution,
// ES2022 target and lib (no DOM), esModuleInterop, skipLibCheck, allowJs+checkJs,
// and tsconfig.json ignored. A type error here would stop a notebook cell.
'use strict';
const path = require('path');
const ts = require('@tslab/typescript-for-tslab');

const root = path.resolve(__dirname, '..');
const entries = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : [path.join(root, 'lib', 'index.ts')];

const options = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts'],
  declaration: true,
  experimentalDecorators: true,
  resolveJsonModule: true,
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  noEmit: true,
};
const program = ts.createProgram(entries, options);
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.stderr.write(`\ncheck-tslab: ${diagnostics.length} error(s) under tslab's TypeScript ${ts.version}\n`);
  process.exit(1);
}
console.log(`check-tslab: lib/ compiles under tslab's TypeScript ${ts.version} (${program.getSourceFiles().filter((f) => !f.fileName.includes('node_modules')).length} project files)`);
