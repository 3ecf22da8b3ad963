/**
 * The marker file this project writes into the folders it creates as a whole (phantom datasets,
 * training output folders): `.breast-density-output.json`, `{"writtenBy": "breast-density",
 * "kind": "<kind>", "version": 1}`. `--overwrite` and `train --out` replace a folder only when
 * it carries the marker (or the project's own format, see `checkReplaceableOutput`), never
 * because it holds a file with a common name such as `manifest.csv`.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The marker's name, contents and reader. */
export const outputMarker = {
  /** File name of the marker, at the root of the folder. */
  name: '.breast-density-output.json',
  /**
   * Contents of a marker.
   * @param kind What wrote the folder, e.g. `phantom-dataset`, `train-output`.
   */
  text(kind: string): string {
    return `${JSON.stringify({ writtenBy: 'breast-density', kind, version: 1 })}\n`;
  },
  /**
   * The kind recorded in `dir`'s marker.
   * @returns The kind, or null when there is no readable marker of this project.
   */
  kindIn(dir: string): string | null {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, outputMarker.name), 'utf8'));
    } catch {
      return null; // missing or unreadable: not a marker (the caller refuses the folder)
    }
    const m = json as { writtenBy?: unknown; kind?: unknown };
    return m && m.writtenBy === 'breast-density' && typeof m.kind === 'string' ? m.kind : null;
  },
};
