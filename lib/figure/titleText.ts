import type { PlotlyTitle } from './figure';
import { plainText } from './plainText';

/**
 * The plain text of a plotly title (`'x'` or `{text: 'x'}`), `''` when absent.
 * @param t A layout, axis or colorbar title.
 */
export function titleText(t: PlotlyTitle | undefined): string {
  if (t === undefined) return '';
  return plainText(typeof t === 'string' ? t : (t.text ?? ''));
}
