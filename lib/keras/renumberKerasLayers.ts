/**
 * Keras numbers auto-named layers per class and per session: a model built after another one in
 * the same Python session gets `conv2d_42`…`conv2d_82` instead of `conv2d_1`…`conv2d_41`, and
 * tf.keras (TF 2) starts at a bare `conv2d` (then `conv2d_1`…`conv2d_40`). The numbers still
 * follow creation order, so a constant shift per name prefix maps them back.
 */

/**
 * Split `conv2d_42` into `['conv2d', 42]`. A bare `conv2d` is number 0: tf.keras (TF 2) names the
 * first layer of a kind without a suffix (`conv2d`, `conv2d_1`, …, `conv2d_40`).
 */
function splitName(name: string): [string, number] {
  const m = /^(.*)_(\d+)$/.exec(name);
  return m ? [m[1], Number(m[2])] : [name, 0];
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
  const group = (names: readonly string[]): Map<string, [number, string][]> => {
    const m = new Map<string, [number, string][]>();
    for (const n of names) {
      const [prefix, num] = splitName(n);
      m.set(prefix, [...(m.get(prefix) ?? []), [num, n]]);
    }
    for (const list of m.values()) list.sort((a, b) => a[0] - b[0]);
    return m;
  };
  const fileGroups = group(fileNames);
  const modelGroups = group(modelNames);
  const renames = new Map<string, string>();
  for (const [prefix, fileList] of fileGroups) {
    const modelList = modelGroups.get(prefix);
    if (!modelList || modelList.length !== fileList.length) continue;
    const shift = fileList[0][0] - modelList[0][0];
    if (shift === 0 || !fileList.every(([n], i) => n - modelList[i][0] === shift)) continue;
    fileList.forEach(([, name], i) => renames.set(name, modelList[i][1]));
  }
  return renames;
}
