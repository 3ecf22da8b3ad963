/**
 * A progress sink for `createProgress` that shows ONE live line in the notebook (an HTML
 * `<progress>` bar with count, rate, ETA and fields), updated in place through a display id, at
 * most every `intervalMs`. Outside a kernel it prints plain lines on stderr instead.
 */
import { randomBytes } from 'crypto';
import { type ProgressState, formatDuration } from '../progress/createProgress';
import { escapeHtml } from '../figure/escapeHtml';
import { type MimeBundle, sendDisplay } from './kernel';

/** The text of a progress state, e.g. `predict CC_R 12/40 (2.10/s, ETA 13s) loss 0.4120`. */
export function progressText(s: ProgressState): string {
  const fields = Object.entries(s.fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`)
    .join(' | ');
  const time = s.finished ? 'done' : `ETA ${formatDuration(s.etaSeconds)}`;
  return `${s.label} ${s.done}/${s.total} (${s.rate.toFixed(2)}/s, ${time})${fields ? ` ${fields}` : ''}`;
}

/** MIME bundle of a progress state: an HTML bar and the plain-text line. */
export function progressBundle(s: ProgressState): MimeBundle {
  const text = progressText(s);
  return {
    'text/html':
      `<div class="breast-density-progress" style="font-family:monospace">` +
      `<progress value="${s.done}" max="${Math.max(1, s.total)}" style="width:16em;vertical-align:middle"></progress> ` +
      `${escapeHtml(text)}</div>`,
    'text/plain': text,
  };
}

/**
 * Create a sink for `createProgress({…, sink: notebookProgress()})`.
 * @param options `intervalMs` between updates of the live display (default 250 ms; the final
 *   state is always shown).
 * @returns A sink function; each call to `createProgress` needs its own sink.
 */
export function notebookProgress(
  options: { intervalMs?: number } = {},
): (state: ProgressState) => void {
  const interval = options.intervalMs ?? 250;
  const displayId = `bd-progress-${randomBytes(6).toString('hex')}`;
  let shown = false;
  let last = 0;
  let lastLine = 0;
  return (state: ProgressState): void => {
    const now = Date.now();
    if (!state.finished && now - last < interval) return;
    last = now;
    if (sendDisplay(progressBundle(state), { displayId, update: shown })) {
      shown = true;
      return;
    }
    // Not in a kernel: plain lines, at most every 10 s, and the final one.
    if (state.finished || now - lastLine >= 10_000) {
      lastLine = now;
      process.stderr.write(`${progressText(state)}\n`);
    }
  };
}
