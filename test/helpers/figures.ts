/** Small plotly figures shared by the figure and display tests. */
import type { PlotlyFigure } from '../../lib/figure/figure';

/** A 4-class confusion matrix (counts), rows = true class. */
export const CM = [
  [50, 3, 1, 0],
  [4, 40, 6, 1],
  [0, 7, 35, 5],
  [0, 1, 4, 30],
];

/** A 480 × 420 confusion-matrix heatmap of {@link CM}, row 0 at the top when `reversed`. */
export function confusionFigure(reversed: boolean): PlotlyFigure {
  return {
    data: [
      {
        type: 'heatmap',
        z: CM,
        x: ['A', 'B', 'C', 'D'],
        y: ['A', 'B', 'C', 'D'],
        colorscale: 'Blues',
        reversescale: true,
        texttemplate: '%{z}',
      },
    ],
    layout: {
      title: 'Confusion matrix',
      width: 480,
      height: 420,
      xaxis: { title: 'predicted' },
      yaxis: { title: 'true', autorange: reversed ? 'reversed' : true },
    },
  };
}
