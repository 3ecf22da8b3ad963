import * as tf from '@tensorflow/tfjs';
import type { Command } from 'commander';
import { checkWasmSizeLimit } from '../../backend/checkWasmSizeLimit';
import { initBackend } from '../../backend/initBackend';
import { benchmarkJson, formatBenchmark } from '../../bench/formatBenchmark';
import { runBenchmark } from '../../bench/runBenchmark';
import { requestedEngine } from '../../engine/createDensityEngine';
import { defaultWorkerCount } from '../../parallel/createWorkerPool';
import { parseIntOption, parseSizeOption } from '../options';

/**
 * `breast-density bench [--size N] [--batch B] [--workers N] [--repeats R] [--json]`: time the
 * forward pass (batch 1 and B), Grad-CAM on add_12 and add_6, prediction throughput and one
 * training step on the default engine (ONNX Runtime), with the TF.js engine ("before") side by side.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      'Benchmark this machine: forward pass, Grad-CAM (add_12, add_6), throughput, training step, memory, GFLOP/s, on the default engine (ONNX Runtime) beside TF.js.',
    )
    .option('--size <N|WxH>', 'input size in pixels', parseSizeOption('--size'), [650, 650] as [
      number,
      number,
    ])
    .option(
      '--batch <B>',
      'batch size of the batched forward pass',
      parseIntOption('--batch', 1, 64),
      4,
    )
    .option(
      '--workers <N>',
      'throughput comparison: single-threaded ONNX Runtime sessions (or TF.js workers) run side by side (default: one per core)',
      parseIntOption('--workers', 1, 256),
    )
    .option(
      '--repeats <R>',
      'timed runs per measurement, after one warm-up run',
      parseIntOption('--repeats', 1, 100),
      5,
    )
    .option('--no-baseline', 'skip the TF.js engine ("before") measurements')
    .option('--no-pytorch', 'skip the PyTorch reference (timed when python3-torch is installed)')
    .option('--no-pytorch-train', 'time the PyTorch forward and Grad-CAM but not its training step')
    .option('--onnx <file>', 'also time ONNX Runtime on this ONNX file (e.g. the PyTorch export)')
    .option('--json', 'print one JSON record of the medians')
    .action(
      async (opts: {
        size: [number, number];
        batch: number;
        workers?: number;
        repeats: number;
        baseline: boolean;
        pytorch: boolean;
        pytorchTrain: boolean;
        onnx?: string;
        json?: boolean;
      }) => {
        await initBackend();
        // The TF.js column runs on the wasm heap; ONNX Runtime alone has no such limit.
        if (opts.baseline || requestedEngine() === 'tfjs') {
          checkWasmSizeLimit('inference', opts.size, opts.batch, tf.getBackend());
        }
        const result = await runBenchmark({
          size: opts.size,
          batch: opts.batch,
          workers: opts.workers ?? defaultWorkerCount(),
          repeats: opts.repeats,
          baseline: opts.baseline,
          pytorch: opts.pytorch,
          pytorchTrain: opts.pytorchTrain,
          onnxFile: opts.onnx,
          log: (l) => process.stderr.write(`bench: ${l}\n`),
        });
        if (result.trainStepTfjs && 'unavailable' in result.trainStepTfjs) {
          process.stderr.write(
            `bench: TF.js training step unavailable: ${result.trainStepTfjs.unavailable}\n`,
          );
        }
        if ('unavailable' in result.trainStep) {
          process.stderr.write(
            `bench: training step unavailable: ${result.trainStep.unavailable}\n`,
          );
        }
        process.stdout.write(
          opts.json ? `${JSON.stringify(benchmarkJson(result))}\n` : `${formatBenchmark(result)}\n`,
        );
      },
    );
}
