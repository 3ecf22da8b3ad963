/**
 * Train's `--out` folder: refuse to train over a trained model unless asked, replace only what
 * training itself wrote, and mark the folder as a training output
 * (`.breast-density-output.json`, kind `train-output`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { checkReplaceableOutput } from '../io/checkReplaceableOutput';
import { outputMarker } from '../io/outputMarker';
import { TMP_INFIX } from '../io/temporaryName';
import { MODEL_JSON } from '../modelFiles/saveDensityModel';

/** Marker kind of training output folders. */
const TRAIN_MARKER_KIND = 'train-output';

/** Top-level names training writes (model files, history, best models, checkpoints). */
const OWN_TOP_LEVEL = [
  /^model\.json$/,
  /^group\d+-shard\d+of\d+(-[0-9a-f]+)?\.bin$/,
  /^history\.csv$/,
  /^(acc|loss)_(train|val)\.txt$/,
  /^weights-improvement-[^/]+$/,
  /^checkpoint-e\d+-s\d+$/,
];

function isOwnFile(rel: string): boolean {
  const top = rel.split('/')[0];
  return OWN_TOP_LEVEL.some((re) => re.test(top));
}

/** A model.json of this project's format: a trained model written by this project. */
function hasOwnModelJson(dir: string): boolean {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
    return j?.userDefinedMetadata?.breastDensity?.format === 'breast-density-model';
  } catch {
    return false; // no model.json, or not JSON: not a model of this project
  }
}

/**
 * Prepare `outDir` (an existing folder) before a new (not resumed) training run.
 * - holding a trained model (`model.json`) without `overwrite`: refused;
 * - with `overwrite`: every entry training wrote is removed, but only when the folder is a
 *   training output of this project and holds nothing else (`checkReplaceableOutput`);
 * - the marker is written in every case.
 * @param outDir Absolute path of the existing output folder.
 * @param overwrite Whether the user passed `--overwrite`.
 * @throws InputError naming the folder (or the foreign file in it).
 */
export function prepareTrainOutDir(outDir: string, overwrite: boolean): void {
  const entries = fs.readdirSync(outDir).filter((n) => !n.includes(TMP_INFIX));
  if (!overwrite && entries.includes(MODEL_JSON)) {
    throw new InputError(
      `${outDir}: holds a trained model (${MODEL_JSON}); choose another --out, or pass --overwrite to replace it`,
    );
  }
  if (overwrite && entries.some((n) => n !== outputMarker.name)) {
    checkReplaceableOutput(outDir, {
      kind: TRAIN_MARKER_KIND,
      what: 'a training output folder',
      ownFormat: hasOwnModelJson,
      isOwnFile,
    });
    for (const n of entries) fs.rmSync(path.join(outDir, n), { recursive: true, force: true });
  }
  writeFileAtomic(path.join(outDir, outputMarker.name), outputMarker.text(TRAIN_MARKER_KIND));
}
