import { PLOTLY_COLORWAY, type Rgba, parseColor } from './colors';

/**
 * The color of a trace: its explicit color when it has one, else plotly's colorway by index.
 * @param index Index of the trace in `figure.data`.
 * @param explicit The trace's own color (`line.color`, `marker.color`), when a string.
 * @throws Error for an explicit color that is not a CSS color.
 */
export function traceColor(index: number, explicit: unknown): Rgba {
  return typeof explicit === 'string'
    ? parseColor(explicit)
    : parseColor(PLOTLY_COLORWAY[index % PLOTLY_COLORWAY.length]);
}
