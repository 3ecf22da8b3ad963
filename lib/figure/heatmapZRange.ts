import type { HeatmapTrace } from './figure';

/**
 * The color range of a heatmap: `zmin`/`zmax` when given, else the finite values' extent
 * (0..1 when there is none).
 */
export function heatmapZRange(t: HeatmapTrace): [number, number] {
  const finite = t.z.flat().filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return [
    t.zmin ?? (finite.length ? Math.min(...finite) : 0),
    t.zmax ?? (finite.length ? Math.max(...finite) : 1),
  ];
}
