/**
 * Move several finished temporary files onto their targets so that either all of them are in
 * place or none is (the old files are put back). Used by every multi-file output (`p.txt` with
 * its `p.csv`, the files of a staging folder).
 */
import * as fs from 'fs';
import { temporaryName } from './temporaryName';

/** One rename of {@link renameAllOrNothing}. */
export interface PendingRename {
  /** The finished temporary file (same file system as `to`). */
  from: string;
  /** Where it goes (a regular file or nothing; see `resolveOutputFile`). */
  to: string;
  /** Whether a regular file is at `to` now (kept as a backup until every rename succeeded). */
  exists: boolean;
}

/**
 * Rename every `from` onto its `to`. One rename is atomic by itself; for several, each replaced
 * file is first kept under a temporary name (a hard link, so the target never disappears), and
 * when a rename fails the ones done are undone.
 * @param renames The renames, in order. The `from` files are consumed on success.
 * @throws The first rename's error, after the rollback (the `from` files are left to the caller).
 */
export function renameAllOrNothing(renames: readonly PendingRename[]): void {
  if (renames.length === 1) {
    fs.renameSync(renames[0].from, renames[0].to);
    return;
  }
  const done: { r: PendingRename; backup: string | null; aside: boolean }[] = [];
  try {
    for (const r of renames) {
      let backup: string | null = null;
      let aside = false;
      if (r.exists) {
        backup = temporaryName(r.to);
        try {
          fs.linkSync(r.to, backup);
        } catch {
          // No hard links on this file system: move the old file aside instead (the target is
          // missing for an instant). If this fails too, the error propagates.
          fs.renameSync(r.to, backup);
          aside = true;
        }
      }
      done.push({ r, backup, aside });
      fs.renameSync(r.from, r.to);
    }
  } catch (err) {
    rollBack(done);
    throw err;
  }
  for (const d of done) if (d.backup) fs.rmSync(d.backup, { force: true });
}

function rollBack(done: { r: PendingRename; backup: string | null; aside: boolean }[]): void {
  for (const { r, backup, aside } of done.reverse()) {
    const renamed = !fs.existsSync(r.from);
    if (renamed) {
      // Put the new file back as the caller's temporary (removed by the caller).
      fs.renameSync(r.to, r.from);
    }
    if (backup && (renamed || aside)) fs.renameSync(backup, r.to);
    else if (backup) fs.rmSync(backup, { force: true });
  }
}
