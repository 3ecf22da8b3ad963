/**
 * Progress reporting for long loops (training, prediction, Grad-CAM, phantom generation).
 *
 * In a terminal: a cli-progress bar on stderr with count, rate, ETA and custom fields (loss,
 * accuracy…). Not a terminal (CI, logs, pipes): a plain line at most every `intervalMs` and at the
 * end. A custom `sink` (e.g. a notebook display) receives every update instead.
 */
import { SingleBar, Presets } from 'cli-progress';

/** State passed to a custom sink on every update. */
export interface ProgressState {
  /** Label of the loop, e.g. `predict CC_R`. */
  label: string;
  /** Items done so far. */
  done: number;
  /** Items in total. */
  total: number;
  /** Items per second since the start. */
  rate: number;
  /** Estimated seconds left (NaN before the first item). */
  etaSeconds: number;
  /** Custom fields (loss, accuracy, epoch…). */
  fields: Record<string, string | number>;
  /** Whether this is the final update. */
  finished: boolean;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of items (images, steps). */
  total: number;
  /** Short label shown before the bar. */
  label: string;
  /** Unit name, e.g. `images`. Default `items`. */
  unit?: string;
  /** Where to report: `auto` (bar on a TTY, lines otherwise), `silent`, or a custom sink. */
  sink?: 'auto' | 'silent' | ((state: ProgressState) => void);
  /** Minimum time between plain-text lines when not on a TTY. Default 10 s. */
  intervalMs?: number;
  /** Stream for terminal output. Default `process.stderr`. */
  stream?: NodeJS.WriteStream;
}

/** A running progress report. */
export interface Progress {
  /** Set the number of items done (absolute) and optional fields. */
  update(done: number, fields?: Record<string, string | number>): void;
  /** Finish the report (prints the final state). Idempotent. */
  stop(): void;
}

function formatFields(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(4)) : v}`)
    .join(' | ');
}

/** Format seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Start a progress report.
 * @param options Total, label, where to report.
 * @returns A handle; call `update` after each item or batch and `stop` at the end (also on error).
 */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label } = options;
  const unit = options.unit ?? 'items';
  const stream = options.stream ?? process.stderr;
  const start = Date.now();
  let done = 0;
  let fields: Record<string, string | number> = {};
  let stopped = false;
  const state = (finished: boolean): ProgressState => {
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    return {
      label,
      done,
      total,
      rate,
      etaSeconds: rate > 0 ? (total - done) / rate : NaN,
      fields,
      finished,
    };
  };

  const sink = options.sink ?? 'auto';
  if (sink === 'silent') {
    return { update: (d, f) => ((done = d), (fields = f ?? fields)), stop: () => undefined };
  }
  if (typeof sink === 'function') {
    return {
      update(d, f) {
        done = d;
        fields = f ?? fields;
        sink(state(false));
      },
      stop() {
        if (!stopped) sink(state(true));
        stopped = true;
      },
    };
  }
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} | {speed}/s | ETA {eta_formatted} {extra}`,
        stream,
        hideCursor: true,
        etaBuffer: 20,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { speed: '0.00', extra: '' });
    return {
      update(d, f) {
        done = d;
        fields = f ?? fields;
        const s = state(false);
        bar.update(d, {
          speed: s.rate.toFixed(2),
          extra: Object.keys(fields).length ? `| ${formatFields(fields)}` : '',
        });
      },
      stop() {
        if (!stopped) bar.stop();
        stopped = true;
      },
    };
  }
  const interval = options.intervalMs ?? 10_000;
  let lastLine = 0;
  const line = (s: ProgressState) =>
    stream.write(
      `${label}: ${s.done}/${s.total} ${unit} (${s.rate.toFixed(2)}/s, ${s.finished ? `took ${formatDuration((Date.now() - start) / 1000)}` : `ETA ${formatDuration(s.etaSeconds)}`})` +
        `${Object.keys(s.fields).length ? ` ${formatFields(s.fields)}` : ''}\n`,
    );
  return {
    update(d, f) {
      done = d;
      fields = f ?? fields;
      if (Date.now() - lastLine >= interval) {
        lastLine = Date.now();
        line(state(false));
      }
    },
    stop() {
      if (!stopped) line(state(true));
      stopped = true;
    },
  };
}
