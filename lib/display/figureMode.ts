import { UsageError } from '../errors';

/**
 * How {@link displayFigure} shows figures: `interactive` (plotly.js in the page, with the PNG as
 * a fallback) or `png` (the static PNG only: small notebooks that render on GitHub and nbviewer,
 * for notebooks students commit or share).
 */
export type FigureMode = 'interactive' | 'png';

/** Environment variable read at call time: `png` or `interactive` (default). */
export const FIGURE_MODE_ENV = 'BREAST_DENSITY_FIGURES';

/**
 * The current figure mode: `$BREAST_DENSITY_FIGURES` (set in the shell before starting Jupyter,
 * or by {@link setFigureMode}), `interactive` when unset or empty.
 * @throws UsageError for any other value, naming the variable.
 */
export function figureMode(): FigureMode {
  const v = (process.env[FIGURE_MODE_ENV] ?? '').trim().toLowerCase();
  if (v === '' || v === 'interactive') return 'interactive';
  if (v === 'png') return 'png';
  throw new UsageError(
    `${FIGURE_MODE_ENV}: expected "png" or "interactive", got "${process.env[FIGURE_MODE_ENV]}"`,
  );
}
