/**
 * Confusion-matrix heatmap: each cell shows the count and the percentage of its row (the true
 * class), coloured by that percentage, so that classes of different sizes compare at a glance.
 */
import type { HeatmapTrace, PlotlyFigure } from '../figure/figure';
import {
  type ConfusionMatrix,
  checkConfusionMatrix,
  normalizeRows,
  rowSums,
} from '../metrics/confusionMatrix';
import { CLASS_NAMES } from '../model/constants';

/** Options of {@link confusionMatrixFigure}. */
export interface ConfusionMatrixFigureOptions {
  /** Figure title. Default `Confusion matrix`. */
  title?: string;
  /** Class labels, rows/columns order. Default A B C D. */
  classNames?: readonly string[];
  /** Size in px. Default 560 × 500. */
  width?: number;
  height?: number;
}

/**
 * Build the figure.
 * @param cm k × k counts, rows = true class, columns = predicted class.
 * @returns A plotly figure (plain JSON: one `heatmap` trace, z = row fractions in [0, 1],
 *   cell text `count<br>percent%`), true classes top to bottom, predicted left to right.
 */
export function confusionMatrixFigure(
  cm: ConfusionMatrix,
  options: ConfusionMatrixFigureOptions = {},
): PlotlyFigure {
  checkConfusionMatrix(cm);
  const names = [...(options.classNames ?? CLASS_NAMES)];
  if (names.length !== cm.length) {
    throw new RangeError(
      `confusion figure: expected ${cm.length} class names, got ${names.length}`,
    );
  }
  const frac = normalizeRows(cm);
  const support = rowSums(cm);
  const n = support.reduce((a, b) => a + b, 0);
  const text = cm.map((row, i) =>
    row.map((v, j) => `${v}<br>${support[i] > 0 ? (100 * frac[i][j]).toFixed(1) : '0.0'}%`),
  );
  const heatmap: HeatmapTrace = {
    type: 'heatmap',
    z: frac,
    x: names,
    y: names,
    text,
    texttemplate: '%{text}',
    textfont: { size: 14 },
    colorscale: 'Blues',
    reversescale: true,
    zmin: 0,
    zmax: 1,
    colorbar: { title: { text: 'fraction<br>of row' } },
    hovertemplate: 'true %{y}, predicted %{x}<br>%{text}<extra></extra>',
  };
  return {
    data: [heatmap],
    layout: {
      title: { text: `${options.title ?? 'Confusion matrix'} (n = ${n})` },
      width: options.width ?? 560,
      height: options.height ?? 500,
      xaxis: { title: { text: 'Predicted class' }, type: 'category', side: 'bottom' },
      yaxis: { title: { text: 'True class' }, type: 'category', autorange: 'reversed' },
    },
  };
}
