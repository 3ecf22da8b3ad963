/**
 * Presentation of a {@link BenchmarkResult}: the fixed JSON record of `bench --json` and a text
 * table for people.
 */
import type { BenchmarkResult, EnginePair, Measured } from './runBenchmark';
import type { TimeSummary } from './summarizeTimes';

/** The `bench --json` record (exactly these keys; `null` = could not be measured, see stderr). */
export interface BenchmarkJson {
  /** Engine of the measurements: `onnx` (ONNX Runtime) or `tfjs`. */
  engine: string;
  /** TF.js backend (the baseline column and the training step). */
  backend: string;
  /** Side in pixels for square inputs, `[height, width]` otherwise. */
  size: number | [number, number];
  workers: number;
  forward_ms: number;
  forward_batch_ms_per_image: number;
  throughput_images_per_s: number;
  gradcam_ms: number;
  gradcam_add6_ms: number;
  train_step_ms_per_image: number | null;
  peak_rss_mb: number;
  gflops: number;
  /** The same forward pass in PyTorch, this run (null: not installed or not asked for). */
  pytorch_forward_ms: number | null;
  /** `pytorch_forward_ms / forward_ms`: how many times faster than PyTorch (null without it). */
  speedup_vs_pytorch: number | null;
  /** PyTorch's training step (SGD-Nesterov, batch 4), ms per image, this run (null without it). */
  pytorch_train_step_ms_per_image: number | null;
}

const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

function isSummary(m: Measured): m is TimeSummary {
  return (m as TimeSummary).median !== undefined;
}

/** Medians of a result as the fixed JSON record. */
export function benchmarkJson(r: BenchmarkResult): BenchmarkJson {
  return {
    engine: r.engine,
    backend: r.backend,
    size: r.size[0] === r.size[1] ? r.size[0] : r.size,
    workers: r.workers,
    forward_ms: round(r.forward.after.median),
    forward_batch_ms_per_image: round(r.forwardBatch.after.median),
    throughput_images_per_s: round(r.throughput.median, 2),
    gradcam_ms: round(r.gradcam.after.median),
    gradcam_add6_ms: round(r.gradcamAdd6.after.median),
    train_step_ms_per_image: isSummary(r.trainStep) ? round(r.trainStep.median) : null,
    peak_rss_mb: round(r.peakRssMb, 0),
    gflops: round(r.gflops, 1),
    pytorch_forward_ms: 'skipped' in r.pytorch ? null : round(r.pytorch.forwardMs),
    speedup_vs_pytorch:
      'skipped' in r.pytorch ? null : round(r.pytorch.forwardMs / r.forward.after.median, 2),
    pytorch_train_step_ms_per_image:
      'skipped' in r.pytorch || r.pytorch.trainStepMsPerImage === null
        ? null
        : round(r.pytorch.trainStepMsPerImage),
  };
}

function cell(s: TimeSummary | null, unit = 'ms'): string {
  if (!s) return '-';
  const d = unit === 'ms' ? 0 : 2;
  return `${s.median.toFixed(d)} ${unit} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`;
}

function pairRow(label: string, p: EnginePair): [string, string, string, string] {
  return [
    label,
    cell(p.before),
    cell(p.after),
    p.before ? `${(p.before.median / p.after.median).toFixed(2)}×` : '-',
  ];
}

function table(rows: [string, string, string, string][]): string[] {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]): string =>
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const text = rows.map(line);
  text.splice(1, 0, widths.map((wd) => '-'.repeat(wd)).join('  '));
  return text;
}

/** Rows of the third-party comparison: PyTorch (same network, this run) and an external ONNX file. */
function comparisonTable(r: BenchmarkResult): string[] {
  const lines: string[] = [];
  if ('skipped' in r.pytorch) {
    lines.push(`PyTorch reference skipped: ${r.pytorch.skipped}`);
  } else {
    const p = r.pytorch;
    const rows: [string, string, string, string][] = [
      ['', `PyTorch ${p.torchVersion}, ${p.threads} threads`, 'default engine', 'faster by'],
      [
        'forward, batch 1',
        `${p.forwardMs.toFixed(0)} ms`,
        `${f0(r.forward.after)} ms`,
        `${(p.forwardMs / r.forward.after.median).toFixed(2)}×`,
      ],
      [
        'Grad-CAM add_12',
        `${p.gradcamMs.toFixed(0)} ms`,
        `${f0(r.gradcam.after)} ms`,
        `${(p.gradcamMs / r.gradcam.after.median).toFixed(2)}×`,
      ],
      [
        'Grad-CAM add_6',
        `${p.gradcamAdd6Ms.toFixed(0)} ms`,
        `${f0(r.gradcamAdd6.after)} ms`,
        `${(p.gradcamAdd6Ms / r.gradcamAdd6.after.median).toFixed(2)}×`,
      ],
    ];
    if (p.trainStepMsPerImage !== null) {
      rows.push([
        'training step, batch 4 (per image)',
        `${p.trainStepMsPerImage.toFixed(0)} ms`,
        '',
        '',
      ]);
    }
    lines.push(...table(rows));
  }
  if (r.onnxFile) {
    const o = r.onnxFile.forward.median;
    lines.push(
      `ONNX Runtime on ${r.onnxFile.file}: forward ${o.toFixed(0)} ms; our export ${(r.forward.after.median / o).toFixed(2)}× that`,
    );
  }
  return [...lines, ''];
}

const f0 = (s: TimeSummary): string => s.median.toFixed(0);

/** A text table: TF.js ("before") and the default engine ("after"), medians with min–max, speed-ups. */
export function formatBenchmark(r: BenchmarkResult): string {
  const rows: [string, string, string, string][] = [
    [
      '',
      `TF.js ${r.backend} (before)`,
      `${r.engine === 'onnx' ? 'ONNX Runtime' : 'TF.js'} (default)`,
      'speed-up',
    ],
    pairRow('forward, batch 1 (per image)', r.forward),
    pairRow(`forward, batch ${r.batch} (per image)`, r.forwardBatch),
    pairRow('Grad-CAM add_12, batch 1', r.gradcam),
    pairRow('Grad-CAM add_6, batch 1', r.gradcamAdd6),
  ];
  if (r.throughputAlternative) {
    const alt = r.throughputAlternative;
    rows.push([
      `prediction throughput, batch ${r.batch}: ${alt.label} vs ${r.engine === 'onnx' ? '1 session on every core' : `${r.workers} workers`}`,
      cell(alt.rate, 'images/s'),
      cell(r.throughput, 'images/s'),
      `${(r.throughput.median / alt.rate.median).toFixed(2)}×`,
    ]);
  } else {
    rows.push([
      `prediction throughput, batch ${r.batch}`,
      '-',
      cell(r.throughput, 'images/s'),
      '-',
    ]);
  }
  const m = (x: Measured | null) =>
    x === null ? '-' : isSummary(x) ? cell(x) : `unavailable: ${x.unavailable}`;
  const ratioOf = (a: Measured | null, b: Measured) =>
    a && isSummary(a) && isSummary(b) ? `${(a.median / b.median).toFixed(2)}×` : '-';
  rows.push([
    'training step, batch 4 (per image)',
    m(r.trainStepTfjs),
    m(r.trainStep),
    ratioOf(r.trainStepTfjs, r.trainStep),
  ]);
  const f = r.forward.after.median;
  return [
    ...comparisonTable(r),
    `engine ${r.engineDetail}; TF.js backend ${r.backend} (${r.backendDetail}); input ${r.size[0]}×${r.size[1]}; medians (min–max) of repeated runs after warm-up`,
    ...table(rows),
    '',
    `FLOPs per image ${(r.flopsPerImage / 1e9).toFixed(2)} G; forward ${r.gflops.toFixed(1)} GFLOP/s; Grad-CAM / forward: add_12 ${(r.gradcam.after.median / f).toFixed(2)}, add_6 ${(r.gradcamAdd6.after.median / f).toFixed(2)}`,
    `peak resident memory ${r.peakRssMb.toFixed(0)} MB`,
  ].join('\n');
}
