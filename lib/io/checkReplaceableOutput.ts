/**
 * Decide whether an existing folder may be replaced by `--overwrite` (phantom) or train's
 * `--out`: only when this project wrote it, and only when it holds nothing else.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { outputMarker } from './outputMarker';
import { TMP_INFIX } from './temporaryName';

/** How {@link checkReplaceableOutput} recognises the project's own folder and files. */
export interface ReplaceableOutputRules {
  /** Marker kind (see `outputMarker`), e.g. `phantom-dataset`. */
  kind: string;
  /** Words for the message, e.g. `a phantom dataset`. */
  what: string;
  /**
   * Whether the folder is of the project's own format although it has no marker (written by an
   * older version): e.g. a `phantom.json` naming the phantom generator.
   */
  ownFormat?: (dir: string) => boolean;
  /** Whether a file (path relative to the folder, `/`-separated) is one the project writes. */
  isOwnFile: (rel: string) => boolean;
}

function listEntries(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listEntries(dir, r) : [r];
  });
}

/**
 * Check that `dir` may be replaced.
 * @param dir An existing folder.
 * @param rules Its kind and the project's file names.
 * @throws InputError naming `dir` when it carries neither the marker nor the own format, or
 *   naming the first file in it the project did not write (a symbolic link counts as a file).
 */
export function checkReplaceableOutput(dir: string, rules: ReplaceableOutputRules): void {
  const marked = outputMarker.kindIn(dir) === rules.kind;
  if (!marked && !(rules.ownFormat?.(dir) ?? false)) {
    throw new InputError(
      `${dir}: not ${rules.what} written by breast-density (no ${outputMarker.name} marker); refusing to replace it`,
    );
  }
  const foreign = listEntries(dir).find(
    (rel) => rel !== outputMarker.name && !rel.includes(TMP_INFIX) && !rules.isOwnFile(rel),
  );
  if (foreign !== undefined) {
    throw new InputError(
      `${dir}: holds ${foreign}, which breast-density did not write; refusing to replace the folder (move that file out first)`,
    );
  }
}
