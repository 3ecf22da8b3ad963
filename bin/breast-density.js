#!/usr/bin/env node
// Entry point of the `breast-density` CLI. The library is TypeScript (lib/), compiled on the fly
// by tsx so that the CLI, the tests and the notebooks always run the same sources.
'use strict';
require('tsx/cjs');
const { main } = require('../lib/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`breast-density: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 3;
  },
);
