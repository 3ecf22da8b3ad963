import { UsageError } from '../errors';
import { FIGURE_MODE_ENV, type FigureMode } from './figureMode';

/**
 * Choose how figures are shown from now on in this kernel (or process): sets
 * `$BREAST_DENSITY_FIGURES`, so that {@link figureMode} and every later {@link displayFigure}
 * see it. `setFigureMode('png')` before committing or sharing a notebook keeps it small and
 * readable everywhere; re-run the cells with figures afterwards.
 * @throws UsageError for a mode other than `png` or `interactive`.
 */
export function setFigureMode(mode: FigureMode): void {
  if (mode !== 'png' && mode !== 'interactive')
    throw new UsageError(`setFigureMode: expected "png" or "interactive", got "${String(mode)}"`);
  process.env[FIGURE_MODE_ENV] = mode;
}
