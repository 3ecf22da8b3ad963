/**
 * plotly.js for HTML outputs, read from the installed `plotly.js-dist-min` package (the minified
 * bundle, ≈ 4.9 MB; never from a CDN, never executed in Node: the bundle needs a browser's
 * `self`/`window`).
 */
import * as fs from 'fs';

let cached: { file: string; source: string } | undefined;

/** Absolute path of the installed plotly.js bundle. */
export function plotlyJsPath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/** Version of the installed plotly.js bundle (from its header comment), e.g. `3.7.0`. */
export function plotlyJsVersion(): string {
  const head = readPlotlyJs().slice(0, 200);
  return /plotly\.js v([\d.]+)/.exec(head)?.[1] ?? 'unknown';
}

/** The minified plotly.js bundle source (≈ 4.9 MB), read once per process. */
export function readPlotlyJs(): string {
  const file = plotlyJsPath();
  if (!cached || cached.file !== file) cached = { file, source: fs.readFileSync(file, 'utf8') };
  return cached.source;
}

/**
 * `<script>` tags that load the inlined plotly.js as `window.Plotly`, with a RequireJS guard: the
 * classic notebook (and HTML exported from it) defines a global AMD `define`, and a UMD bundle
 * that sees it registers an anonymous module instead of setting `window.Plotly` ("Mismatched
 * anonymous define()"). `define`, `module` and `exports` are hidden while the bundle runs and
 * restored afterwards.
 */
export function plotlyScriptTags(): string {
  const source = readPlotlyJs().replace(/<\/(script)/gi, '<\\/$1');
  return (
    '<script type="text/javascript">(function(g){g.__breastDensityAmd=[g.define,g.module,g.exports];' +
    'g.define=undefined;g.module=undefined;g.exports=undefined;})(window);</script>\n' +
    `<script type="text/javascript">${source}\n</script>\n` +
    '<script type="text/javascript">(function(g){var s=g.__breastDensityAmd||[];' +
    'g.define=s[0];g.module=s[1];g.exports=s[2];delete g.__breastDensityAmd;})(window);</script>'
  );
}
