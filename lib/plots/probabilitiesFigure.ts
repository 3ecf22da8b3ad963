/**
 * Class probabilities of a few images as grouped bars (one group per image), the per-image view
 * of a prediction run.
 */
import type { BarTrace, PlotlyFigure } from '../figure/figure';
import { CLASS_NAMES } from '../model/constants';

/** Options of {@link probabilitiesFigure}. */
export interface ProbabilitiesFigureOptions {
  /** Figure title. Default `Class probabilities per image`. */
  title?: string;
  /** True class of each image (shown under its name), or null when unknown. */
  trueClasses?: ReadonlyArray<string | null>;
}

const CLASS_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

/**
 * Build the figure.
 * @param names Image names (x axis), length n.
 * @param probabilities n rows of 4 probabilities (A B C D), each in [0, 1].
 * @returns A plotly figure: four `bar` traces (one per class), grouped, y in [0, 1].
 */
export function probabilitiesFigure(
  names: ReadonlyArray<string>,
  probabilities: ReadonlyArray<ArrayLike<number>>,
  options: ProbabilitiesFigureOptions = {},
): PlotlyFigure {
  if (names.length !== probabilities.length) {
    throw new RangeError(
      `probabilities figure: expected one name per row, got ${names.length} names and ${probabilities.length} rows`,
    );
  }
  const x = names.map((n, i) => {
    const t = options.trueClasses?.[i];
    return t ? `${n} (true ${t})` : n;
  });
  const data: BarTrace[] = CLASS_NAMES.map((c, k) => ({
    type: 'bar',
    name: `p(${c})`,
    x,
    y: probabilities.map((row) => row[k]),
    marker: { color: CLASS_COLORS[k] },
  }));
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Class probabilities per image' },
      barmode: 'group',
      width: Math.max(560, 170 * names.length + 200),
      height: 420,
      xaxis: { type: 'category' },
      yaxis: { title: { text: 'probability' }, range: [0, 1] },
      showlegend: true,
    },
  };
}
