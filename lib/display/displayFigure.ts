import type { PlotlyFigure } from '../figure/figure';
import { figureBundle } from './figureBundle';
import { figureMode } from './figureMode';
import { findDisplayWriter, sendDisplay } from './kernel';
import { plotlyDelivery } from './plotlyDelivery';

/** Options of {@link displayFigure}. */
export interface DisplayFigureOptions {
  /**
   * Where the HTML part gets plotly.js: `auto` (default) relies on the set-up cell's
   * {@link initFigures} when it ran in this kernel, and otherwise inlines the library in the
   * first figure shown (that figure's output then carries it: re-running that cell loses it, so
   * call `initFigures()`); `always` inlines it in every figure (≈ 4.9 MB each); `none` never (the
   * PNG fallback stays visible, with a note, where plotly.js is absent).
   */
  plotlyJs?: 'auto' | 'always' | 'none';
}

/**
 * Show a plotly figure in the notebook as ONE display message (see {@link figureBundle}); in PNG
 * mode ({@link figureMode}) as the PNG only. No-op outside a tslab kernel (nothing is drawn).
 * @throws UsageError for a bad `$BREAST_DENSITY_FIGURES`; InputError for a figure the PNG
 *   renderer cannot draw.
 */
export function displayFigure(figure: PlotlyFigure, options: DisplayFigureOptions = {}): void {
  if (!findDisplayWriter()) return;
  if (figureMode() === 'png') {
    sendDisplay(figureBundle(figure, { pngOnly: true }));
    return;
  }
  const how = options.plotlyJs ?? 'auto';
  const include =
    how === 'always' ||
    (how === 'auto' && !plotlyDelivery.loaderSent && !plotlyDelivery.inlinedOnce);
  const sent = sendDisplay(figureBundle(figure, { includePlotlyJs: include }));
  if (sent && include) plotlyDelivery.inlinedOnce = true;
}
