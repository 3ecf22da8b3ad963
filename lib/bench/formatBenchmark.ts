/**
 * Presentation of a {@link BenchmarkResult}: the fixed JSON record of `bench --json` and a text
 * table for people.
 */
import type { BenchmarkResult, Measured } from './runBenchmark';
import type { TimeSummary } from './summarizeTimes';

/** The `bench --json` record (exactly these keys; `null` = could not be measured, see stderr). */
export interface BenchmarkJson {
  backend: string;
  /** Side in pixels for square inputs, `[height, width]` otherwise. */
  size: number | [number, number];
  workers: number;
  forward_ms: number;
  forward_batch_ms_per_image: number;
  throughput_images_per_s: number;
  gradcam_ms: number;
  train_step_ms_per_image: number | null;
  peak_rss_mb: number;
  gflops: number;
}

const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

function isSummary(m: Measured): m is TimeSummary {
  return (m as TimeSummary).median !== undefined;
}

/** Medians of a result as the fixed JSON record. */
export function benchmarkJson(r: BenchmarkResult): BenchmarkJson {
  return {
    backend: r.backend,
    size: r.size[0] === r.size[1] ? r.size[0] : r.size,
    workers: r.workers,
    forward_ms: round(r.forward.median),
    forward_batch_ms_per_image: round(r.forwardBatch.median),
    throughput_images_per_s: round(r.throughput.median, 2),
    gradcam_ms: round(r.gradcam.median),
    train_step_ms_per_image: isSummary(r.trainStep) ? round(r.trainStep.median) : null,
    peak_rss_mb: round(r.peakRssMb, 0),
    gflops: round(r.gflops, 1),
  };
}

function cell(s: TimeSummary | null, unit = 'ms'): string {
  if (!s) return '-';
  return `${s.median.toFixed(unit === 'ms' ? 0 : 2)} ${unit} (${s.min.toFixed(unit === 'ms' ? 0 : 2)}–${s.max.toFixed(unit === 'ms' ? 0 : 2)})`;
}

function ratio(before: TimeSummary | null, after: TimeSummary): string {
  return before ? `${(before.median / after.median).toFixed(2)}×` : '-';
}

/** A text table: plain ("before") and fast ("after") medians with min–max, and the speed-ups. */
export function formatBenchmark(r: BenchmarkResult): string {
  const rows: [string, string, string, string][] = [
    [
      'forward, batch 1 (per image)',
      cell(r.forwardPlain),
      cell(r.forward),
      ratio(r.forwardPlain, r.forward),
    ],
    [
      '  same, process CPU time',
      cell(r.cpu.forwardPlain),
      cell(r.cpu.forward),
      ratio(r.cpu.forwardPlain, r.cpu.forward),
    ],
    [
      `forward, batch ${r.batch} (per image)`,
      cell(r.forwardBatchPlain),
      cell(r.forwardBatch),
      ratio(r.forwardBatchPlain, r.forwardBatch),
    ],
    [
      'Grad-CAM add_12, batch 1',
      cell(r.gradcamPlain),
      cell(r.gradcam),
      ratio(r.gradcamPlain, r.gradcam),
    ],
    [
      '  same, process CPU time',
      cell(r.cpu.gradcamPlain),
      cell(r.cpu.gradcam),
      ratio(r.cpu.gradcamPlain, r.cpu.gradcam),
    ],
    [
      'training step, batch 4 (per image)',
      isSummary(r.trainStep) ? cell(r.trainStep) : `unavailable: ${r.trainStep.unavailable}`,
      '',
      '',
    ],
    [
      `prediction, ${r.workers} worker(s)`,
      r.forwardPlain ? `${(1000 / r.forwardPlain.median).toFixed(2)} images/s (1 thread)` : '-',
      cell(r.throughput, 'images/s'),
      r.forwardPlain
        ? `${(r.throughput.median / (1000 / r.forwardPlain.median)).toFixed(2)}×`
        : '-',
    ],
  ];
  if (r.throughputOneWorker) {
    rows.push([
      `  fast model, 1 vs ${r.workers} worker(s)`,
      cell(r.throughputOneWorker, 'images/s'),
      cell(r.throughput, 'images/s'),
      `${(r.throughput.median / r.throughputOneWorker.median).toFixed(2)}×`,
    ]);
  }
  const head: [string, string, string, string] = [
    '',
    'plain Layers (before)',
    'fast (default)',
    'speed-up',
  ];
  const all = [head, ...rows];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]): string =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const rowsText = all.map(line);
  rowsText.splice(1, 0, widths.map((wd) => '-'.repeat(wd)).join('  '));
  const gradRatio = r.cpu.gradcam.median / r.cpu.forward.median;
  return [
    `backend ${r.backend} (${r.backendDetail}), input ${r.size[0]}×${r.size[1]}, medians (min–max) of repeated runs after warm-up`,
    ...rowsText,
    '',
    `FLOPs per image ${(r.flopsPerImage / 1e9).toFixed(2)} G; fast forward ${r.gflops.toFixed(1)} GFLOP/s; Grad-CAM / forward (CPU time) ${gradRatio.toFixed(2)}`,
    `worker start-up ${(r.workerStartMs / 1000).toFixed(1)} s for ${r.workers} worker(s); peak resident memory ${r.peakRssMb.toFixed(0)} MB`,
  ].join('\n');
}
