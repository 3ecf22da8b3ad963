/**
 * Training-data sanity: a class with no training images cannot be learnt, and a class with no
 * validation images makes val_acc meaningless (a single-class validation set gives 1.0 for a
 * network that always answers that class). Say so, naming the classes, before training.
 */
import type { ImageDataset } from '../data/readImageDataset';

function missing(ds: ImageDataset): string[] {
  const seen = new Set(ds.items.map((it) => it.className));
  return ds.classNames.filter((c) => !seen.has(c));
}

/**
 * Log one warning line per split that lacks classes.
 * @param trainSet The training listing.
 * @param valSet The validation listing.
 * @param log Where the lines go (the trainer's log: stderr in the CLI).
 * @returns The warning lines (empty when every class is present in both).
 */
export function warnEmptyClasses(
  trainSet: ImageDataset,
  valSet: ImageDataset,
  log: (line: string) => void,
): string[] {
  const lines: string[] = [];
  for (const [ds, split, why] of [
    [trainSet, 'training', 'the network cannot learn it'],
    [
      valSet,
      'validation',
      'val_acc does not measure it (a one-class validation set scores 1.0 for a constant answer)',
    ],
  ] as const) {
    const m = missing(ds);
    if (m.length === 0) continue;
    const names = m.length === 1 ? `class ${m[0]} has` : `classes ${m.join(', ')} have`;
    lines.push(`warning: ${names} no ${split} images in ${ds.dir}: ${why}`);
  }
  for (const l of lines) log(l);
  return lines;
}
