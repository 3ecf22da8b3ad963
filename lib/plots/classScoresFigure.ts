/**
 * Per-class precision, recall and F1 as grouped bars.
 */
import type { BarTrace, PlotlyFigure } from '../figure/figure';
import type { PerClassScores } from '../metrics/precisionRecallF1';
import { CLASS_NAMES } from '../model/constants';

/** Options of {@link classScoresFigure}. */
export interface ClassScoresFigureOptions {
  /** Figure title. Default `Precision, recall and F1 per class`. */
  title?: string;
  /** Class labels. Default A B C D. */
  classNames?: readonly string[];
  /** Include F1 bars. Default true. */
  f1?: boolean;
}

const COLORS = { precision: '#1f77b4', recall: '#ff7f0e', f1: '#2ca02c' };

/**
 * Build the figure.
 * @param scores Per-class precision, recall, F1 (each in [0, 1]) and support.
 * @returns A plotly figure: grouped `bar` traces, y in [0, 1], bar labels with 2 decimals,
 *   x labels `A (n=14)`.
 */
export function classScoresFigure(
  scores: PerClassScores,
  options: ClassScoresFigureOptions = {},
): PlotlyFigure {
  const names = options.classNames ?? CLASS_NAMES;
  if (scores.precision.length !== names.length) {
    throw new RangeError(
      `class scores figure: expected ${names.length} classes, got ${scores.precision.length}`,
    );
  }
  const x = names.map((c, k) => `${c} (n=${scores.support[k]})`);
  const series: [keyof typeof COLORS, number[]][] = [
    ['precision', scores.precision],
    ['recall', scores.recall],
    ...(options.f1 === false ? [] : [['f1', scores.f1] as [keyof typeof COLORS, number[]]]),
  ];
  const data: BarTrace[] = series.map(([name, values]) => ({
    type: 'bar',
    name: name === 'f1' ? 'F1' : name,
    x,
    y: values,
    text: values.map((v) => v.toFixed(2)),
    textposition: 'outside',
    marker: { color: COLORS[name] },
  }));
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Precision, recall and F1 per class' },
      barmode: 'group',
      width: 640,
      height: 420,
      xaxis: { title: { text: 'True class' }, type: 'category' },
      yaxis: { title: { text: 'score' }, range: [0, 1.1] },
      showlegend: true,
    },
  };
}
