import { plotlyJsVersion, plotlyScriptTags } from '../figure/plotlyJs';
import type { MimeBundle } from './kernel';

/**
 * The MIME bundle that loads plotly.js into the notebook page (pure: no kernel needed): the
 * minified bundle (≈ 4.9 MB) in RequireJS-guarded `<script>` tags, and one visible line naming
 * the version.
 * @returns `{'text/html', 'text/plain'}`.
 */
export function plotlyLoaderBundle(): MimeBundle {
  const line = `plotly.js ${plotlyJsVersion()} loaded: the figures below are interactive`;
  return {
    'text/html': `${plotlyScriptTags()}\n<div style="color:#777;font-size:85%">${line}</div>`,
    'text/plain': line,
  };
}
