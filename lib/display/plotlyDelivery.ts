/**
 * What this process (one kernel session) has sent of plotly.js, so that {@link displayFigure}
 * knows whether the set-up cell loads it. Module state that only changes when something is
 * displayed; it never runs anything at import.
 */
export const plotlyDelivery: { loaderSent: boolean; inlinedOnce: boolean } = {
  loaderSent: false,
  inlinedOnce: false,
};
