import * as path from 'path';
import type { Command } from 'commander';
import { initBackend } from '../../backend/initBackend';
import { InputError, UsageError } from '../../errors';
import { ensureWritableDir, writeFileAtomic } from '../../io/atomicWrite';
import { loadDensityModel } from '../../modelFiles/loadDensityModel';
import { buildInferenceGraph } from '../../onnx/buildInferenceGraph';
import { encodeOnnxModel, ONNX_OPSET } from '../../onnx/encodeOnnxModel';

/** Parse `--layers add_6,add_12` (comma-separated layer names). */
function parseLayers(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new UsageError(`--layers: expected layer names such as add_6,add_12, got "${value}"`);
  return names;
}

/**
 * `breast-density export-onnx <modelDir> --out model.onnx [--layers add_12,…] [--nhwc]`: the
 * model as a standalone ONNX file (opset 17; BatchNorm folded; Keras layer names as node names),
 * for Netron, Python onnxruntime, TensorRT…
 */
export function registerExportOnnxCommand(program: Command): void {
  program
    .command('export-onnx')
    .description(
      `Write a model as an ONNX file (opset ${ONNX_OPSET}, BatchNorm folded into the convolutions, TF "same" padding as explicit pads, ` +
        'Keras layer names as node and value names). Input input_1: float32 NHWC [N, H, W, 3], preprocessed as for predict; ' +
        'outputs logits and probabilities [N, classes], plus the layers asked for (NCHW, or NHWC with --nhwc).',
    )
    .argument('<modelDir>', 'model directory (model.json + weights)')
    .requiredOption('--out <file>', 'ONNX file to write, e.g. CC_R.onnx')
    .option('--layers <names>', 'extra outputs, comma-separated (e.g. add_6,add_12)', parseLayers)
    .option('--nhwc', 'give the extra layer outputs as NHWC (<layer>_nhwc) instead of NCHW')
    .action(async (modelDir: string, opts: { out: string; layers?: string[]; nhwc?: boolean }) => {
      if (path.extname(opts.out).toLowerCase() !== '.onnx') {
        throw new UsageError(`--out: expected a file name ending in .onnx, got "${opts.out}"`);
      }
      await initBackend({ report: null });
      const { model, metadata, dir } = await loadDensityModel(modelDir);
      try {
        let graph;
        try {
          graph = buildInferenceGraph(model, { layers: opts.layers, nhwc: opts.nhwc });
        } catch (err) {
          throw new InputError(`${dir}: ${(err as Error).message}`);
        }
        const bytes = encodeOnnxModel(graph);
        ensureWritableDir(path.dirname(path.resolve(opts.out)));
        writeFileAtomic(opts.out, bytes);
        const outputs = graph.outputs.map((o) => `${o.name} [${o.shape.join(', ')}]`).join(', ');
        process.stdout.write(
          `wrote ${opts.out} (${(bytes.length / 1e6).toFixed(1)} MB, opset ${ONNX_OPSET}, ${graph.nodes.length} nodes)\n` +
            `input  input_1 [N, ${metadata.inputSize[0]}, ${metadata.inputSize[1]}, 3] float32 NHWC\n` +
            `output ${outputs}\n`,
        );
      } finally {
        model.dispose();
      }
    });
}
