#!/usr/bin/env node
/**
 * Makes `node_modules/breast-density` a link to this checkout, so that editors resolve
 * `import { … } from 'breast-density'` in notebook cells to lib/index.ts with full types (VS Code
 * gives notebook cells virtual paths, from which relative imports such as `../lib` cannot be
 * resolved; package names still resolve through node_modules). Run by `npm install`/`npm ci`
 * (postinstall) and by `npm run setup`. Never fails the install: problems are reported as warnings.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** Create or repair the link. Returns a message describing what happened. */
function linkSelf(root = ROOT) {
  const name = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name;
  const link = path.join(root, 'node_modules', name);
  const target = path.relative(path.dirname(link), root) || '.';
  let current;
  try {
    current = fs.lstatSync(link);
  } catch {
    current = undefined;
  }
  if (current) {
    if (current.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(root))
      return `node_modules/${name} -> ${target} (already linked)`;
    if (!current.isSymbolicLink())
      return `WARNING: node_modules/${name} exists and is not a link; left alone (imports of '${name}' may not see lib/)`;
    fs.unlinkSync(link);
  }
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link, process.platform === 'win32' ? 'junction' : 'dir');
  return `node_modules/${name} -> ${target} (linked)`;
}

module.exports = { linkSelf };

if (require.main === module) {
  try {
    console.log(`link-self: ${linkSelf()}`);
  } catch (e) {
    // Safe to continue: only editor types for package-name imports depend on the link.
    console.warn(`link-self: WARNING: could not link the package into node_modules (${e.message})`);
  }
}
