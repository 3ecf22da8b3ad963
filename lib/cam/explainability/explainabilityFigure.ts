/**
 * The explainability summary as a plotly figure (plain JSON; trace types bar and scatter only,
 * so that the project's PNG renderer draws it too).
 */
import type { PlotlyFigure, PlotlyTrace } from '../../figure/figure';
import type { ExplainabilitySummary } from './summarizeExplainability';

const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/**
 * Two panels: left, the attention ratio per projection and class (bars, with the no-preference
 * level 1 as a dashed line); right, the mean deletion curves in map order and in random order
 * (overall), with their areas in the legend.
 * @param summary From `summarizeExplainability`.
 * @param title Figure title.
 */
export function explainabilityFigure(
  summary: ExplainabilitySummary,
  title = 'Is the network looking at the dense tissue?',
): PlotlyFigure {
  const labels = summary.byClass.map((g) => `${g.projection} ${g.trueClass}`);
  const data: PlotlyTrace[] = [
    {
      type: 'bar',
      name: 'attention ratio',
      x: labels,
      y: summary.byClass.map((g) => (Number.isFinite(g.attentionRatio) ? g.attentionRatio : 0)),
      text: summary.byClass.map((g) => `${fmt(g.attentionRatio)} (n=${g.n})`),
      marker: { color: '#1f77b4' },
      xaxis: 'x',
      yaxis: 'y',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'no preference (1)',
      x: labels,
      y: labels.map(() => 1),
      line: { color: '#7f7f7f', dash: 'dash', width: 2 },
      xaxis: 'x',
      yaxis: 'y',
    },
  ];
  const curves = summary.overall.meanCurves;
  if (curves) {
    const auc = summary.overall.auc;
    data.push(
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `deletion, map order (AUC ${fmt(auc.deletion, 3)})`,
        x: curves.fractions,
        y: curves.deletion,
        line: { color: '#d62728', width: 2 },
        xaxis: 'x2',
        yaxis: 'y2',
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `deletion, random order (AUC ${fmt(auc.deletionRandom, 3)})`,
        x: curves.fractions,
        y: curves.deletionRandom,
        line: { color: '#7f7f7f', width: 2, dash: 'dot' },
        xaxis: 'x2',
        yaxis: 'y2',
      },
    );
  }
  return {
    data,
    layout: {
      title,
      width: 900,
      height: 420,
      showlegend: true,
      xaxis: { domain: [0, 0.45], title: 'projection and true class', type: 'category' },
      yaxis: { title: 'attention ratio (mass on dense / dense share)', rangemode: 'tozero' },
      xaxis2: {
        domain: [0.55, 1],
        anchor: 'y2',
        title: 'fraction of breast pixels removed',
        range: [0, 1],
      },
      yaxis2: { anchor: 'x2', title: 'probability of the target class', range: [0, 1] },
      margin: { l: 60, r: 20, t: 50, b: 60 },
    },
  };
}
