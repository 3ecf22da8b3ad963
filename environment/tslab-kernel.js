#!/usr/bin/env node
/**
 * Starts THIS checkout's tslab kernel (the registered kernelspec runs this file) with small,
 * checked patches that let notebooks import the library, typed, without a build step:
 * `import { … } from 'breast-density'` (the style that keeps types in VS Code, where notebook
 * cells cannot resolve relative imports) or `import { … } from '../lib'`.
 *
 *  1. tslab compiles cells and the local .ts modules they import with `rootDir` = the kernel's
 *     working directory (the notebook's folder), so `../lib` fails with "File '…/lib/index.ts' is
 *     not under 'rootDir'". Here `rootDir` is the filesystem root of that directory, and the
 *     output paths are computed from it, so any relative import compiles.
 *  2. tslab resolves compiled local modules by file name only, so a directory import (`../lib`,
 *     which means `../lib/index.ts`) is not found at run time. Here `<dir>/index.js` is tried too.
 *  3. The package name (`breast-density`, resolvable for editors through the node_modules link
 *     made by environment/link-self.js) is mapped to lib/index.ts with the compiler's `paths`,
 *     and at run time to the compiled lib/index.js, so it is compiled and loaded like `../lib`
 *     (tslab never compiles TypeScript found under node_modules).
 *
 * The patches are applied to tslab 1.0.x's dist/converter.js and dist/executor.js text in memory
 * (nothing in node_modules is modified). If the expected code is not found (another tslab
 * version), the kernel starts unpatched and says so on stderr.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** The package name notebooks import the library by (`import { … } from 'breast-density'`). */
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;
/** The library entry point the package name maps to. */
const LIB_ENTRY = path.join(ROOT, 'lib', 'index.ts');

/**
 * [[search, replace], …] per tslab file: each search string must occur exactly once.
 * @param {string} root Project root (for the package-name mapping).
 */
function patches(root = ROOT) {
  const lib = path.join(root, 'lib');
  return {
    'converter.js': [
      [
        'const cwd = ts.sys.getCurrentDirectory();',
        'const cwd = ts.sys.getCurrentDirectory();\n' +
          '    const __bdRoot = (0, tspath_1.normalizeSlashes)(path_1.default.parse(cwd).root);\n' +
          '    const __bdRel = path_1.default.relative(__bdRoot, cwd);',
      ],
      [
        'const dstFilename = (0, tspath_1.normalizeJoin)(outDir, "__tslab__.js");',
        'const dstFilename = (0, tspath_1.normalizeJoin)(outDir, __bdRel, "__tslab__.js");',
      ],
      [
        'const dstDeclFilename = (0, tspath_1.normalizeJoin)(outDir, "__tslab__.d.ts");',
        'const dstDeclFilename = (0, tspath_1.normalizeJoin)(outDir, __bdRel, "__tslab__.d.ts");',
      ],
      [
        'rootDir: cwd,',
        // The package name maps to lib/index.ts by `paths`, so tslab compiles it like a local
        // module (through node_modules it would be an external library and never emitted).
        `rootDir: __bdRoot,\n        baseUrl: ${JSON.stringify(root)},\n        paths: { ${JSON.stringify(PACKAGE)}: [${JSON.stringify(
          path.join(root, 'lib', 'index.ts'),
        )}] },`,
      ],
      [
        'path: (0, tspath_1.normalizeJoin)(cwd, rel),',
        'path: (0, tspath_1.normalizeJoin)(__bdRoot, rel),',
      ],
    ],
    'executor.js': [
      [
        'if (!sideOutputs.has(filename)) {\n            return null;\n        }',
        'if (!sideOutputs.has(filename)) {\n' +
          '            const index = (0, tspath_1.normalizeJoin)(dirname, id, "index.js");\n' +
          '            if (!sideOutputs.has(index) && !sideModules.has(index)) {\n                return null;\n            }\n' +
          '            filename = index;\n' +
          '            const cachedIndex = sideModules.get(filename);\n' +
          '            if (cachedIndex) {\n                return cachedIndex.exports;\n            }\n' +
          '        }',
      ],
      [
        'const arg = argArray[0];',
        'const arg = argArray[0];\n' +
          `            if (arg === ${JSON.stringify(PACKAGE)}) {\n` +
          `                const lib = requireFromSideOutputs(path_1.default.relative(dirname, ${JSON.stringify(lib)}));\n` +
          '                if (lib) {\n                    return lib;\n                }\n            }',
      ],
    ],
  };
}

/** Patched sources, or an error message when tslab's code is not what the patches expect. */
function patchedSources(distDir, root = ROOT) {
  const out = {};
  for (const [file, edits] of Object.entries(patches(root))) {
    let src = fs.readFileSync(path.join(distDir, file), 'utf8');
    for (const [search, replace] of edits) {
      const count = src.split(search).length - 1;
      if (count !== 1)
        return `${file}: expected the code "${search.split('\n')[0]}" once, found it ${count} times`;
      src = src.replace(search, () => replace);
    }
    out[file] = src;
  }
  return out;
}

/** The dist/ folder of this checkout's tslab. */
function tslabDist() {
  return path.join(path.dirname(require.resolve('tslab/package.json', { paths: [ROOT] })), 'dist');
}

function main() {
  // Re-create node_modules/breast-density when `npm install <pkg>` pruned it (editors need it for
  // types; the kernel itself does not). Best effort: a failure only costs editor types.
  try {
    require('./link-self.js').linkSelf();
  } catch (e) {
    process.stderr.write(
      `breast-density kernel: could not link node_modules/breast-density (${e.message})\n`,
    );
  }
  const distDir = tslabDist();
  const sources = patchedSources(distDir);
  if (typeof sources === 'string') {
    process.stderr.write(
      `breast-density kernel: tslab not patched (${sources}); relative imports outside the notebook folder will not compile\n`,
    );
  } else {
    for (const [file, src] of Object.entries(sources)) {
      const filename = path.join(distDir, file);
      const m = new Module(filename, module);
      m.filename = filename;
      m.paths = Module._nodeModulePaths(distDir);
      m._compile(src, filename);
      m.loaded = true;
      require.cache[filename] = m;
    }
  }
  require(path.join(distDir, 'main.js')).main();
}

module.exports = { PACKAGE, LIB_ENTRY, patches, patchedSources, tslabDist };

if (require.main === module) main();
