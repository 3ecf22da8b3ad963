import { FIGURE_MODE_ENV, type FigureMode, figureMode } from './figureMode';
import { type MimeBundle, sendDisplay } from './kernel';
import { plotlyDelivery } from './plotlyDelivery';
import { plotlyLoaderBundle } from './plotlyLoaderBundle';
import { setFigureMode } from './setFigureMode';

/**
 * Prepare the notebook for figures; call it in the set-up cell. In interactive mode it sends
 * plotly.js (minified, ≈ 4.9 MB) as this cell's output, every time the cell runs, so that every
 * figure below finds it: after re-running any figure cell, after saving and reopening the
 * notebook, and in HTML exports. Figures themselves then carry only their data and a PNG. In PNG
 * mode it sends a one-line note and no library. No-op outside a tslab kernel (nothing is sent;
 * the mode is still set).
 * @param options `mode` sets the figure mode first (see {@link setFigureMode}); default: keep
 *   the current one ({@link figureMode}: `$BREAST_DENSITY_FIGURES`, else interactive).
 * @throws UsageError for a bad mode or a bad `$BREAST_DENSITY_FIGURES`.
 */
export function initFigures(options: { mode?: FigureMode } = {}): void {
  if (options.mode !== undefined) setFigureMode(options.mode);
  const mode = figureMode();
  const note = `figures: PNG only (${FIGURE_MODE_ENV}=png); initFigures({ mode: 'interactive' }) for interactive plotly figures`;
  const bundle: MimeBundle = mode === 'png' ? { 'text/plain': note } : plotlyLoaderBundle();
  if (sendDisplay(bundle) && mode === 'interactive') plotlyDelivery.loaderSent = true;
}
