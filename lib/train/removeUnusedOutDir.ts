/** Cleaning up after a training run that failed before writing anything. */
import * as fs from 'fs';
import { outputMarker } from '../io/outputMarker';

/**
 * Remove an output folder this run created when it holds nothing but the project's marker (a run
 * that failed before writing anything leaves no folder behind).
 */
export function removeUnusedOutDir(createdOutDir: boolean, outDir: string): void {
  if (
    createdOutDir &&
    fs.existsSync(outDir) &&
    fs.readdirSync(outDir).every((n) => n === outputMarker.name)
  ) {
    fs.rmSync(outDir, { recursive: true });
  }
}
