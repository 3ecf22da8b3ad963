/**
 * Training curves: loss and accuracy per epoch, training and validation, side by side (as the
 * original tutorial plots `history.history`).
 */
import type { PlotlyFigure, ScatterTrace } from '../figure/figure';

/**
 * Per-epoch values, Keras `History.history` style. `accuracy`/`val_accuracy` (Keras ≥ 2.3 names)
 * are accepted as well as `acc`/`val_acc` (Keras 2.2.4, the original).
 */
export interface TrainingHistory {
  loss?: number[];
  val_loss?: number[];
  acc?: number[];
  val_acc?: number[];
  accuracy?: number[];
  val_accuracy?: number[];
}

/** Options of {@link trainingCurvesFigure}. */
export interface TrainingCurvesFigureOptions {
  /** Figure title. Default `Training curves`. */
  title?: string;
}

/** One color per series, so that no two legend entries look alike; validation dashed. */
const COLORS = { trainLoss: '#1f77b4', valLoss: '#ff7f0e', trainAcc: '#2ca02c', valAcc: '#d62728' };

/**
 * Build the figure.
 * @param history Per-epoch series (any subset; missing series are left out).
 * @returns A plotly figure: loss on the left subplot (x/y), accuracy on the right (x2/y2), epochs
 *   numbered from 1, `scatter` lines with markers, a distinct color per series (validation
 *   dashed), 900 × 420 px (in notebooks it shrinks to the window).
 */
export function trainingCurvesFigure(
  history: TrainingHistory,
  options: TrainingCurvesFigureOptions = {},
): PlotlyFigure {
  const acc = history.acc ?? history.accuracy;
  const valAcc = history.val_acc ?? history.val_accuracy;
  const series: [string, number[] | undefined, string, boolean, string][] = [
    ['training loss', history.loss, COLORS.trainLoss, false, 'x'],
    ['validation loss', history.val_loss, COLORS.valLoss, false, 'x'],
    ['training accuracy', acc, COLORS.trainAcc, true, 'x2'],
    ['validation accuracy', valAcc, COLORS.valAcc, true, 'x2'],
  ];
  const data: ScatterTrace[] = [];
  for (const [name, values, color, isAcc, xaxis] of series) {
    if (!values || values.length === 0) continue;
    data.push({
      type: 'scatter',
      mode: values.length > 40 ? 'lines' : 'lines+markers',
      name,
      x: values.map((_, i) => i + 1),
      y: values.map((v) => (Number.isFinite(v) ? v : null)),
      xaxis,
      yaxis: isAcc ? 'y2' : 'y',
      line: { color, width: 2, dash: name.startsWith('validation') ? 'dash' : 'solid' },
      marker: { color, size: 4 },
    });
  }
  if (data.length === 0) {
    throw new RangeError('training curves: expected at least one of loss, val_loss, acc, val_acc');
  }
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Training curves' },
      width: 900,
      height: 420,
      xaxis: { domain: [0, 0.44], title: { text: 'epoch' } },
      yaxis: { title: { text: 'loss' } },
      xaxis2: { domain: [0.56, 1], title: { text: 'epoch' }, anchor: 'y2' },
      yaxis2: { title: { text: 'accuracy' }, anchor: 'x2', range: [0, 1] },
      showlegend: true,
    },
  };
}
