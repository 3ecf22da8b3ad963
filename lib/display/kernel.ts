/**
 * The only place that talks to the Jupyter kernel. Everything here is a no-op outside a tslab
 * kernel, and the kernel is looked up at CALL time (never at import time), so the library and the
 * CLI load and run the same way in Node.
 *
 * tslab's public `display.raw(mime, data)` sends one MIME type, always as a string. A figure must
 * travel as ONE display message carrying several MIME types, with
 * `application/vnd.plotly.v1+json` as a JSON object. tslab's kernel keeps the function that
 * writes a `display_data` / `update_display_data` message for the executing cell in
 * `tslab/dist/jupyter.js` (`lastWriteDisplayData(content, update)`); it is found in the running
 * process's module cache and checked to be a function before each use.
 */

/** A MIME bundle: MIME type → data (string, base64 for images, or a JSON value). */
export type MimeBundle = Record<string, unknown>;

/** The content of a Jupyter `display_data` message. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** tslab's low-level writer: `(content, update)` sends `display_data` or `update_display_data`. */
export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The running tslab kernel's display writer, or `undefined` when this process is not a tslab
 * kernel (plain Node, the CLI, tests) or no cell has executed yet.
 */
export function findDisplayWriter(): DisplayWriter | undefined {
  // require.cache holds the kernel's own modules: tslab/bin/tslab loads dist/main.js, which loads
  // dist/jupyter.js. Several tslab copies may be installed; take the one holding a live writer.
  const cache = typeof require === 'function' ? require.cache : undefined;
  if (!cache) return undefined;
  for (const [file, mod] of Object.entries(cache)) {
    if (!JUPYTER_MODULE.test(file) || !mod) continue;
    const writer = (mod.exports as { lastWriteDisplayData?: unknown }).lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return undefined;
}

/** Whether this process is a tslab kernel executing a cell (checked now, not at import). */
export function inKernel(): boolean {
  return findDisplayWriter() !== undefined;
}

/**
 * Send one display message carrying every MIME type of `bundle`.
 * @param bundle MIME type → data. Binary images must already be base64 strings.
 * @param options `displayId` names the output so that later calls with `update: true` replace it
 *   in place (live progress).
 * @returns Whether a message was sent (false outside a kernel).
 */
export function sendDisplay(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): boolean {
  const writer = findDisplayWriter();
  if (!writer) return false;
  writer(
    {
      data: bundle,
      metadata: options.metadata ?? {},
      transient: options.displayId ? { display_id: options.displayId } : {},
    },
    options.update ?? false,
  );
  return true;
}
