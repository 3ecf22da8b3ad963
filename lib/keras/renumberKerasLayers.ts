/**
 * Keras numbers auto-named layers per class and per session: a model built after another one in
 * the same Python session gets `conv2d_42`…`conv2d_82` instead of `conv2d_1`…`conv2d_41`. The
 * numbers still follow creation order, so a constant shift per name prefix maps them back.
 */

/** Split `conv2d_42` into `['conv2d', 42]`; null for names without a numeric suffix. */
function splitName(name: string): [string, number] | null {
  const m = /^(.*)_(\d+)$/.exec(name);
  return m ? [m[1], Number(m[2])] : null;
}

/**
 * Find, per name prefix (`conv2d`, `batch_normalization`, `leaky_re_lu`, …), a constant shift
 * that turns the file's layer numbers into the model's: same prefix, same count, and every
 * number differing by the same amount once both lists are sorted. Prefixes whose numbers already
 * agree, or that cannot be aligned this way, are left alone (the mismatch is then reported by the
 * weight check).
 * @param fileNames Layer names in the file (`layer_names`, or the model_config layers).
 * @param modelNames Layer names of the network.
 * @returns Renames `file name → model name` (empty when nothing needs renaming).
 */
export function renumberKerasLayers(
  fileNames: readonly string[],
  modelNames: readonly string[],
): Map<string, string> {
  const group = (names: readonly string[]): Map<string, number[]> => {
    const m = new Map<string, number[]>();
    for (const n of names) {
      const s = splitName(n);
      if (!s) continue;
      m.set(s[0], [...(m.get(s[0]) ?? []), s[1]]);
    }
    for (const list of m.values()) list.sort((a, b) => a - b);
    return m;
  };
  const fileGroups = group(fileNames);
  const modelGroups = group(modelNames);
  const renames = new Map<string, string>();
  for (const [prefix, fileNums] of fileGroups) {
    const modelNums = modelGroups.get(prefix);
    if (!modelNums || modelNums.length !== fileNums.length) continue;
    const shift = fileNums[0] - modelNums[0];
    if (shift === 0 || !fileNums.every((n, i) => n - modelNums[i] === shift)) continue;
    fileNums.forEach((n, i) => renames.set(`${prefix}_${n}`, `${prefix}_${modelNums[i]}`));
  }
  return renames;
}
