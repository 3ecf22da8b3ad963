/**
 * One-vs-rest ROC curves of every class, with each AUC in the legend and the chance diagonal.
 */
import type { PlotlyFigure, ScatterTrace } from '../figure/figure';
import type { OvrRoc } from '../metrics/rocCurve';
import { CLASS_NAMES } from '../model/constants';

/** Options of {@link rocCurvesFigure}. */
export interface RocCurvesFigureOptions {
  /** Figure title. Default `ROC curves (one class vs the rest)`. */
  title?: string;
  /** Class labels. Default A B C D. */
  classNames?: readonly string[];
}

const CLASS_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

/**
 * Build the figure.
 * @param roc Curves and AUCs from `rocOneVsRest`.
 * @returns A plotly figure: one `scatter` line per class (classes absent from the truth, whose
 *   curve is undefined, are listed in the title), a dashed diagonal, axes [0, 1].
 */
export function rocCurvesFigure(roc: OvrRoc, options: RocCurvesFigureOptions = {}): PlotlyFigure {
  const names = options.classNames ?? CLASS_NAMES;
  const absent: string[] = [];
  const data: ScatterTrace[] = [];
  roc.curves.forEach((c, k) => {
    if (!Number.isFinite(roc.auc[k])) {
      absent.push(names[k]);
      return;
    }
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: `${names[k]} (AUC ${roc.auc[k].toFixed(3)})`,
      x: c.fpr,
      y: c.tpr,
      line: { color: CLASS_COLORS[k % CLASS_COLORS.length], width: 2 },
    });
  });
  data.push({
    type: 'scatter',
    mode: 'lines',
    name: 'chance',
    x: [0, 1],
    y: [0, 1],
    line: { color: '#999999', width: 1, dash: 'dash' },
    showlegend: false,
  });
  const macro = Number.isFinite(roc.macro)
    ? `macro AUC ${roc.macro.toFixed(3)}`
    : 'macro AUC undefined';
  const note = absent.length ? `; no true ${absent.join(', ')}` : '';
  return {
    data,
    layout: {
      title: {
        text: `${options.title ?? 'ROC curves (one class vs the rest)'}<br>${macro}${note}`,
      },
      width: 560,
      height: 520,
      xaxis: { title: { text: 'False-positive rate (1 - specificity)' }, range: [0, 1] },
      yaxis: { title: { text: 'True-positive rate (sensitivity)' }, range: [0, 1.02] },
      showlegend: true,
    },
  };
}
