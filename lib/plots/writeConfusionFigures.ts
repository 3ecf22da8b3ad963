/**
 * Write each group's confusion matrix as a PNG and a standalone interactive HTML page, named like
 * the original notebook's figures (`confusionmatrix_CCR.png`, …, `confusionmatrix_total.png`).
 */
import * as path from 'path';
import { figureHtml } from '../figure/figureHtml';
import { renderFigurePng } from '../figure/renderFigurePng';
import { writeFileAtomic } from '../io/atomicWrite';
import {
  type MetricsGroup,
  METRICS_GROUPS,
  groupFileStem,
  groupTitle,
} from '../metrics/evaluateGroups';
import type { Evaluation } from '../metrics/evaluateProbabilities';
import { confusionMatrixFigure } from './confusionMatrixFigure';

/** Options of {@link writeConfusionFigures}. */
export interface WriteConfusionFiguresOptions {
  /** Also write `.html` pages (the minified plotly.js inlined, ≈ 4.9 MB each, work offline). Default true. */
  html?: boolean;
}

/**
 * Render and write the figures (each file written atomically).
 * @param outDir Existing or new directory (created when missing).
 * @param groups Evaluations by group.
 * @returns The paths written, in group order.
 */
export function writeConfusionFigures(
  outDir: string,
  groups: Partial<Record<MetricsGroup, Evaluation>>,
  options: WriteConfusionFiguresOptions = {},
): string[] {
  const rendered = METRICS_GROUPS.filter((g) => groups[g]).map((g) => {
    const fig = confusionMatrixFigure(groups[g]!.confusion, {
      title: `Confusion matrix, ${groupTitle(g)}`,
    });
    return { stem: groupFileStem(g), fig, png: renderFigurePng(fig) };
  });
  const written: string[] = [];
  for (const r of rendered) {
    const png = path.join(outDir, `${r.stem}.png`);
    writeFileAtomic(png, r.png);
    written.push(png);
    if (options.html ?? true) {
      const html = path.join(outDir, `${r.stem}.html`);
      writeFileAtomic(html, figureHtml(r.fig));
      written.push(html);
    }
  }
  return written;
}
