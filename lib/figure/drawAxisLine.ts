import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisCrossExtent } from './axisCrossExtent';
import { axisToPixel } from './axisToPixel';
import type { Rgba } from './colors';
import type { FigureAxis } from './figureAxis';
import type { FigureLayout } from './figureLayout';
import { strokeLine } from './strokeLine';

/**
 * Stroke a 1-px line across the plot at one position of an axis (a grid line, a zero line):
 * vertical for an x axis, horizontal for a y axis, over the extent of the paired axis.
 * @param position Axis position (see {@link axisPosition}).
 */
export function drawAxisLine(
  ctx: SKRSContext2D,
  fl: FigureLayout,
  a: FigureAxis,
  position: number,
  color: Rgba,
): void {
  const [o0, o1] = axisCrossExtent(fl, a);
  const p = Math.round(axisToPixel(a, position));
  strokeLine(
    ctx,
    a.isX
      ? [
          [p, o0],
          [p, o1],
        ]
      : [
          [o0, p],
          [o1, p],
        ],
    color,
  );
}
