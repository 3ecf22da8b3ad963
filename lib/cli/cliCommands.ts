/**
 * The table of CLI commands, in workflow order, each loaded only when it runs: a command's module
 * pulls in TensorFlow.js, plotly or the phantom generator, and loading all of them cost ≈ 2 s at
 * every start. `--help` lists the commands from this table alone.
 */
import type { Command } from 'commander';

/** One CLI command: how it is listed and how its full definition is loaded. */
export interface CliCommandEntry {
  /** Command name as typed (`import-keras`). */
  name: string;
  /** Positional arguments as listed in the top-level help (`<modelDir>`), or ''. */
  args: string;
  /** One line for the top-level help; the command's own `--help` has the full description. */
  summary: string;
  /** Require the command's module and register the command (options, action) on `program`. */
  register: (program: Command) => void;
}

// `require` (typed by `typeof import`) so that a module loads only when its command runs.
/** The commands, in the order of the workflow (as the help lists them). */
export const CLI_COMMANDS: readonly CliCommandEntry[] = [
  {
    name: 'summary',
    args: '',
    summary: 'Print the ResNet architecture: layers, output shapes, parameters.',
    register: (p) =>
      (require('./commands/summary') as typeof import('./commands/summary')).registerSummaryCommand(
        p,
      ),
  },
  {
    name: 'info',
    args: '<modelDir>',
    summary: 'Show a saved model: metadata, provenance, parameter counts.',
    register: (p) =>
      (require('./commands/info') as typeof import('./commands/info')).registerInfoCommand(p),
  },
  {
    name: 'phantom',
    args: '',
    summary: 'Generate synthetic mammograms with ground-truth dense tissue.',
    register: (p) =>
      (require('./commands/phantom') as typeof import('./commands/phantom')).registerPhantomCommand(
        p,
      ),
  },
  {
    name: 'preprocess',
    args: '',
    summary: 'Prepare DICOM/PNG mammograms as the original authors did.',
    register: (p) =>
      (
        require('./commands/preprocess') as typeof import('./commands/preprocess')
      ).registerPreprocessCommand(p),
  },
  {
    name: 'train',
    args: '',
    summary: 'Train the network on a directory dataset (original recipe, resumable).',
    register: (p) =>
      (require('./commands/train') as typeof import('./commands/train')).registerTrainCommand(p),
  },
  {
    name: 'fit-head',
    args: '',
    summary: 'Refit the classifier head of a trained model on new labelled images (rest frozen).',
    register: (p) =>
      (require('./commands/fitHead') as typeof import('./commands/fitHead')).registerFitHeadCommand(
        p,
      ),
  },
  {
    name: 'predict',
    args: '',
    summary: 'Class probabilities of images, in the original file format plus a CSV.',
    register: (p) =>
      (require('./commands/predict') as typeof import('./commands/predict')).registerPredictCommand(
        p,
      ),
  },
  {
    name: 'metrics',
    args: '',
    summary: 'Figures of merit per view, side and exam (confusion matrices, accuracy, kappa…).',
    register: (p) =>
      (require('./commands/metrics') as typeof import('./commands/metrics')).registerMetricsCommand(
        p,
      ),
  },
  {
    name: 'gradcam',
    args: '',
    summary:
      'Grad-CAM (or Grad-CAM++ / saliency) maps, overlays and contours; --masks measures them.',
    register: (p) =>
      (require('./commands/gradcam') as typeof import('./commands/gradcam')).registerGradcamCommand(
        p,
      ),
  },
  {
    name: 'import-keras',
    args: '<file>',
    summary: 'Convert a Keras HDF5 file of the network into a model directory.',
    register: (p) =>
      (
        require('./commands/importKeras') as typeof import('./commands/importKeras')
      ).registerImportKerasCommand(p),
  },
  {
    name: 'export-onnx',
    args: '<modelDir>',
    summary: 'Write a model as an ONNX file (for ONNX Runtime, Netron, TensorRT…).',
    register: (p) =>
      (
        require('./commands/exportOnnx') as typeof import('./commands/exportOnnx')
      ).registerExportOnnxCommand(p),
  },
  {
    name: 'bench',
    args: '',
    summary: 'Benchmark this machine: forward pass, Grad-CAM, training step, workers, memory.',
    register: (p) =>
      (require('./commands/bench') as typeof import('./commands/bench')).registerBenchCommand(p),
  },
];
