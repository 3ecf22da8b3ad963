/**
 * What `phantom --overwrite` may replace: a folder this project wrote as a phantom dataset
 * (marker `.breast-density-output.json` of kind `phantom-dataset`, or, from older versions, a
 * `phantom.json` naming the phantom generator), holding only the files the manifest lists
 * (images, masks, records) and `manifest.csv`, `phantom.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { checkReplaceableOutput } from '../io/checkReplaceableOutput';
import { PHANTOM_GENERATOR } from './generatePhantom';
import { readManifest } from './manifest';

/** Marker kind of phantom datasets. */
export const PHANTOM_MARKER_KIND = 'phantom-dataset';

function hasPhantomJson(dir: string): boolean {
  try {
    const j = JSON.parse(fs.readFileSync(path.join(dir, 'phantom.json'), 'utf8'));
    const gen = String(j?.generator ?? '');
    return gen.split('/')[0] === PHANTOM_GENERATOR.split('/')[0];
  } catch {
    return false; // no phantom.json or not JSON: not of the phantom format
  }
}

/**
 * Refuse to replace `dir` unless it is one of this project's phantom datasets and nothing else.
 * @param dir Existing, non-empty folder.
 * @throws InputError naming the folder, or the first file in it the phantom generator did not write.
 */
export function checkPhantomOverwrite(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'manifest.csv'))) {
    throw new InputError(`${dir}: not a phantom dataset (no manifest.csv); refusing to replace it`);
  }
  const own = new Set(['manifest.csv', 'phantom.json']);
  for (const r of readManifest(dir)) {
    own
      .add(r.image)
      .add(r.mask)
      .add(`records/${r.image.replace(/\.png$/, '.json')}`);
  }
  checkReplaceableOutput(dir, {
    kind: PHANTOM_MARKER_KIND,
    what: 'a phantom dataset',
    ownFormat: hasPhantomJson,
    isOwnFile: (rel) => own.has(rel),
  });
}
