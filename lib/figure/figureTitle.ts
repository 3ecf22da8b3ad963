import type { PlotlyFigure } from './figure';
import { titleText } from './titleText';

/** The figure's title as one line of plain text (`''` without a title). */
export function figureTitle(figure: PlotlyFigure): string {
  return titleText(figure.layout?.title).replace(/\n/g, ' ');
}
