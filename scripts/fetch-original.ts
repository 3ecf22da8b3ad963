/**
 * `npm run fetch-original`: download the authors' sample images, published prediction files and
 * pretrained CC_R network from their public GitHub repository into the git-ignored `original/`,
 * convert the network into `original/CC_R_model/` (model.json + shards), and print the commands
 * that run the tutorial on them. Needs internet; offline it fails within the timeout
 * (DENSITY_FETCH_TIMEOUT_MS, default 10 s) and leaves `original/` as it was.
 *
 * Environment: DENSITY_ORIGINAL_BASE_URL overrides the download base (a mirror, or the tests'
 * local server); DENSITY_ORIGINAL_ROOT overrides the repository root (tests).
 * Exit codes: 0 done, 1 download or conversion failed.
 */
import * as path from 'path';
import { errorMessage } from '../lib/errors';
import {
  ORIGINAL_BASE_URL,
  ORIGINAL_BASE_URL_ENV,
  ORIGINAL_REPOSITORY,
  fetchOriginalAssets,
} from '../lib/keras/fetchOriginalAssets';
import { REPO_ROOT } from '../lib/keras/locateOriginalAssets';

/** The tutorial commands on the fetched assets (under `root`), for the commands this CLI has. */
function tutorialCommands(root: string): string[] {
  const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
  const at = (p: string): string => rel(path.join(root, p));
  const cli = `node ${rel(path.join(REPO_ROOT, 'bin', 'breast-density.js'))}`;
  // Loaded only after a successful download (the whole CLI is slow to load, offline runs fail fast).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createProgram } = require('../lib/cli/main') as typeof import('../lib/cli/main');
  const have = new Set(createProgram().commands.map((c) => c.name()));
  const model = at('original/CC_R_model');
  const testSet = `--data ${at('original/TestSet')} --projection CC_R --split test`;
  const lines = [`${cli} info ${model}`];
  if (have.has('predict')) {
    lines.push(
      `${cli} predict --model ${model} ${testSet} --out ${at('out/original/predictions_ccr_sample.txt')}`,
    );
  }
  if (have.has('gradcam')) {
    lines.push(`${cli} gradcam --model ${model} ${testSet} --out ${at('out/original/maps')}`);
  }
  if (have.has('metrics')) {
    const p = (v: string, f: string): string => `${v}=${at(`original/Predictions/${f}`)}`;
    lines.push(
      `${cli} metrics --pred ${p('CC_R', 'predictions_ccr.txt')} ${p('MLO_R', 'predictions_mlor.txt')} ${p('CC_L', 'predictions_ccl.txt')} ${p('MLO_L', 'predictions_mlol.txt')} --counts 14,51,50,13`,
    );
  }
  return lines;
}

async function run(): Promise<number> {
  const root = path.resolve(process.env.DENSITY_ORIGINAL_ROOT ?? REPO_ROOT);
  const base = process.env[ORIGINAL_BASE_URL_ENV] ?? ORIGINAL_BASE_URL;
  process.stderr.write(
    `fetch-original: downloading from ${base} (repository ${ORIGINAL_REPOSITORY}, no licence: for your own use, never commit) into ${path.join(root, 'original')}\n`,
  );
  try {
    const r = await fetchOriginalAssets({ root });
    process.stdout.write(
      [
        `fetch-original: ${r.files.length} files (${(r.bytes / 1e6).toFixed(1)} MB) in ${r.dir}`,
        ...(r.model
          ? [
              `fetch-original: the authors' CC_R network is now a model directory: ${r.model.dir} (input ${r.model.metadata.inputSize.join('x')}, ${r.model.imported.parameterCount.toLocaleString('en-US')} parameters)`,
            ]
          : []),
        '',
        'Run the tutorial on them:',
        ...tutorialCommands(root).map((l) => `  ${l}`),
        '  notebooks/Test.ipynb and notebooks/ClassActivationMaps.ipynb: the cells marked "authors\' original model" now run.',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    process.stderr.write(
      `fetch-original: failed: ${errorMessage(err)}\n` +
        `fetch-original: nothing was changed in ${path.join(root, 'original')}. This step needs internet access to github.com; ` +
        `set ${ORIGINAL_BASE_URL_ENV} to use a mirror. Everything else in this project works without it.\n`,
    );
    return 1;
  }
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`fetch-original: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 3;
  },
);
