/**
 * Where `npm run fetch-original` put the authors' original assets (the pretrained CC_R model,
 * converted, the 16 sample images and the published prediction files), if it has been run.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Repository root (two levels above `lib/keras/`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Folder (under the repository root) that `npm run fetch-original` fills; git-ignored. */
export const ORIGINAL_DIR = 'original';

/** Paths of the original assets, each null when absent. */
export interface OriginalAssets {
  /** `original/CC_R_model`: the authors' pretrained CC_R network converted to a model directory
   * (has `model.json`; load it with `loadDensityModel`). Null when not fetched or not converted. */
  modelDir: string | null;
  /** `original/TestSet`: the 16 sample mammograms as `<projection>/test/<class>/<file>.png`
   * (CC_L, CC_R, MLO_L, MLO_R × A–D, one image each). Null when absent or empty. */
  testSetDir: string | null;
  /** `original/Predictions`: `predictions_{ccr,mlor,ccl,mlol}.txt` (128 rows × 4 probabilities,
   * the authors' published test-set predictions). Null when none of them is there. */
  predictionsDir: string | null;
}

function hasPng(dir: string, depth: number): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false; // unreadable or vanished: treated as absent, which is what the caller asks
  }
  return entries.some((e) =>
    e.isDirectory()
      ? depth > 0 && hasPng(path.join(dir, e.name), depth - 1)
      : /\.png$/i.test(e.name) && !e.name.includes('.tmp-'),
  );
}

/**
 * Find the authors' original assets fetched by `npm run fetch-original` (into `original/`).
 * Used by the optional "authors' original model" cells of the Test and ClassActivationMaps
 * notebooks, which skip with a message when a path is null. Reads the file system only.
 * @param root Repository root (default: this checkout's root, {@link REPO_ROOT}); the assets are
 *   looked for in `<root>/original/`.
 * @returns Absolute paths, each null when that asset is absent (e.g. offline, never fetched).
 */
export function locateOriginalAssets(root: string = REPO_ROOT): OriginalAssets {
  const base = path.resolve(root, ORIGINAL_DIR);
  const modelDir = path.join(base, 'CC_R_model');
  const testSetDir = path.join(base, 'TestSet');
  const predictionsDir = path.join(base, 'Predictions');
  const hasPredictions = ['ccr', 'mlor', 'ccl', 'mlol'].some((p) =>
    fs.existsSync(path.join(predictionsDir, `predictions_${p}.txt`)),
  );
  return {
    modelDir: fs.existsSync(path.join(modelDir, 'model.json')) ? modelDir : null,
    testSetDir: hasPng(testSetDir, 3) ? testSetDir : null,
    predictionsDir: hasPredictions ? predictionsDir : null,
  };
}
