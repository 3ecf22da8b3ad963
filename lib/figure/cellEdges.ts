/**
 * Cell edges along one heatmap dimension: midway between neighbouring cell positions, the outer
 * edges as far out as the neighbouring half cells (±0.5 for a single cell).
 * @param positions Axis positions of the n cells (n ≥ 1), ascending.
 * @returns n + 1 edges.
 */
export function cellEdges(positions: number[]): number[] {
  const n = positions.length;
  if (n === 1) return [positions[0] - 0.5, positions[0] + 0.5];
  const edges = [positions[0] - (positions[1] - positions[0]) / 2];
  for (let i = 0; i < n - 1; i++) edges.push((positions[i] + positions[i + 1]) / 2);
  edges.push(positions[n - 1] + (positions[n - 1] - positions[n - 2]) / 2);
  return edges;
}
