import type { SKRSContext2D } from '@napi-rs/canvas';
import { parseColor } from './colors';
import { drawAxisLine } from './drawAxisLine';
import type { FigureAxis } from './figureAxis';
import type { FigureLayout } from './figureLayout';
import { fillBox } from './fillBox';
import type { Tick } from './numericTicks';

const GRID = parseColor('rgb(238,238,238)');

/**
 * Draw what lies under the traces: the plot background of every x/y axis pair a trace uses, and
 * the grid lines at the ticks of linear axes (not with `showgrid: false`).
 * @param ticks The ticks of each axis (from {@link axisTicks}).
 */
export function drawGrid(
  ctx: SKRSContext2D,
  fl: FigureLayout,
  ticks: Map<FigureAxis, Tick[]>,
): void {
  const pairs = new Set<string>();
  for (const [ax, ay] of fl.axes.traceAxes) {
    const key = `${ax.id}|${ay.id}`;
    if (pairs.has(key)) continue;
    pairs.add(key);
    fillBox(ctx, ax.p0, ay.p1, ax.p1, ay.p0, fl.plotBackground);
  }
  for (const a of fl.axes.byKey.values()) {
    if (a.spec.showgrid === false || a.categories) continue;
    for (const { value } of ticks.get(a) ?? []) drawAxisLine(ctx, fl, a, value, GRID);
  }
}
