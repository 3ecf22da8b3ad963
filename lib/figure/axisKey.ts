/**
 * The layout key of an axis id: `x` → `xaxis`, `x2` → `xaxis2`, `y3` → `yaxis3`.
 * @param id plotly axis id (as in a trace's `xaxis`/`yaxis`).
 * @param isX Whether it is an x axis.
 */
export function axisKey(id: string, isX: boolean): string {
  const letter = isX ? 'x' : 'y';
  return id === letter ? `${letter}axis` : `${letter}axis${id.slice(1)}`;
}
