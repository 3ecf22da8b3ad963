/**
 * breast-density: the public API of the library behind the notebooks and the `breast-density`
 * CLI — what a notebook or a user script needs, in groups. Everything else is internal: import
 * it by path (`lib/<folder>/<file>`) in tests and tools, where it may change without notice.
 * Nothing runs at import time.
 */

// ─── Environment and errors ──────────────────────────────────────────────────────────────────
// Pick and report the TF.js backend once per process; errors carry the CLI exit code.
export {
  initBackend,
  activeBackend,
  describeBackend,
  BACKEND_NAMES,
  type BackendName,
  type BackendInfo,
  type InitBackendOptions,
} from './backend/initBackend';
export { errorMessage, InputError, UsageError } from './errors';
export {
  createProgress,
  type Progress,
  type ProgressOptions,
  type ProgressState,
} from './progress/createProgress';

// ─── Models and engines ──────────────────────────────────────────────────────────────────────
// The density network (BI-RADS A–D), its files and metadata, and the compute engines (ONNX
// Runtime by default, TF.js as fallback) that run forward passes and gradients.
export {
  CLASS_NAMES,
  PROJECTIONS,
  ORIGINAL_INPUT_SIZE,
  LAST_ADD_LAYER,
  KERAS_DEFAULTS,
  isClassName,
  isProjection,
  type ClassName,
  type Projection,
} from './model/constants';
export { createDensityModel, type DensityModelOptions } from './model/createDensityModel';
export {
  modelSummary,
  formatModelSummary,
  type LayerSummary,
  type ModelSummary,
} from './model/modelSummary';
export {
  loadDensityModel,
  readModelMetadata,
  type LoadedDensityModel,
} from './modelFiles/loadDensityModel';
export { saveDensityModel } from './modelFiles/saveDensityModel';
export {
  createModelMetadata,
  parseModelMetadata,
  type ModelMetadata,
  type ModelProvenance,
  type PreprocessingSpec,
} from './modelFiles/modelMetadata';
export { checkModelOutputsFinite } from './modelFiles/checkModelOutputsFinite';
export {
  createDensityEngine,
  requestedEngine,
  type DensityEngineOptions,
} from './engine/createDensityEngine';
export { createOnnxEngine, type OnnxEngineOptions } from './engine/createOnnxEngine';
export { createTfjsEngine } from './engine/createTfjsEngine';
export { describeDefaultEngine } from './engine/describeDefaultEngine';
export {
  ENGINE_KINDS,
  type DensityEngine,
  type EngineKind,
  type EngineTensor,
  type EngineForward,
  type EngineGradients,
} from './engine/densityEngine';
export { buildInferenceGraph, type InferenceGraphOptions } from './onnx/buildInferenceGraph';
export { encodeOnnxModel, ONNX_OPSET } from './onnx/encodeOnnxModel';

// ─── Data and preprocessing ──────────────────────────────────────────────────────────────────
// Image references and the one path parser, image loading, the Keras-faithful network input,
// directory datasets, augmentation, the seeded RNG, and DICOM → network-ready PNG.
export type { ImageRef } from './data/imageRef';
export {
  parseImagePath,
  type ImageFolderFacts,
  type ParseImagePathOptions,
} from './data/parseImagePath';
export { parseImageName } from './data/parseImageName';
export {
  loadImage,
  decodeImage,
  hasImageExtension,
  IMAGE_EXTENSIONS,
  MAX_IMAGE_PIXELS,
  type GrayImage,
  type LoadImageOptions,
  type SixteenBitMode,
} from './data/loadImage';
export {
  preprocessForNetwork,
  preprocessBatch,
  resizeNearest,
  standardizeSample,
} from './data/preprocessForNetwork';
export {
  readImageDataset,
  describeDataset,
  SPLIT_NAMES,
  type DatasetItem,
  type ImageDataset,
  type ReadImageDatasetOptions,
  type SkippedFile,
} from './data/readImageDataset';
export {
  datasetBatches,
  batchCount,
  type DatasetBatch,
  type DatasetBatchesOptions,
} from './data/datasetBatches';
export { createInlineImageLoader, type BatchImageLoader } from './data/createInlineImageLoader';
export {
  createWorkerImageLoader,
  type WorkerImageLoaderOptions,
} from './data/createWorkerImageLoader';
export {
  augmentImage,
  ORIGINAL_AUGMENTATION,
  type AugmentOptions,
  type TransformParams,
} from './data/augmentImage';
export { createRng, shuffledIndices, type Rng } from './data/createRng';
export {
  preprocessMammogram,
  toInputFrame,
  type MammoView,
  type MammoLaterality,
  type PreprocessMammogramOptions,
  type PreprocessedMammogram,
  type PreprocessTransform,
} from './preprocess/preprocessMammogram';
export {
  preprocessFile,
  UnsupportedViewError,
  type PreprocessFileOptions,
  type PreprocessedFile,
} from './preprocess/preprocessFile';
export {
  preprocessDirectory,
  type PreprocessDirectoryOptions,
  type PreprocessReport,
  type PreprocessFileReport,
} from './preprocess/preprocessDirectory';
export { preprocessSteps, type PreprocessStep } from './preprocess/preprocessSteps';
export { readDicom, type DicomImage } from './preprocess/readDicom';
export { readMammogram, isDicom, type DecodedMammogram } from './preprocess/readMammogram';
export { diceCoefficient, type Gray8Image, type BinaryMask } from './preprocess/grayImage';

// ─── Files: PNG and atomic writes ────────────────────────────────────────────────────────────
export { decodePng, encodePng, isPng, pngDimensions, type Raster } from './io/png';
export { writeFileAtomic, writeDirAtomic } from './io/atomicWrite';
export { resizeAreaToHeight } from './io/resizeAreaToHeight';

// ─── Prediction and prediction files ─────────────────────────────────────────────────────────
// Predict datasets or images through an engine; the original's `%.18e` probability files and
// the CSV beside them; labels files.
export {
  engineForward,
  layersModelForward,
  fastModelForward,
  type ForwardFunction,
} from './predict/forwardFunction';
export { predictDataset } from './predict/predictDataset';
export { predictItems, type PredictOptions, type PredictionResult } from './predict/predictItems';
export {
  formatPredictionFile,
  parsePredictionFile,
  readPredictionFile,
  writePredictionFile,
  type PredictionRows,
} from './predict/predictionFile';
export {
  formatPredictionCsv,
  parsePredictionCsv,
  readPredictionCsv,
  PREDICTION_CSV_COLUMNS,
  type PredictionRecord,
} from './predict/predictionCsv';
export {
  loadPredictionFolder,
  predictionFileName,
  PREDICTION_FILE_STEMS,
  type PredictionFolder,
  type LoadPredictionFolderOptions,
} from './predict/loadPredictionFolder';
export {
  parseLabelsFile,
  readLabelsFile,
  readLabelsFromCsv,
  type LabelRows,
} from './predict/labelsFile';
export {
  predictItemsInWorkers,
  type PredictInWorkersOptions,
} from './workflows/predictItemsInWorkers';

// ─── Metrics ─────────────────────────────────────────────────────────────────────────────────
// Figures of merit of the original notebook per view, side and exam, with bootstrap intervals.
export {
  evaluateGroups,
  groupTitle,
  groupFileStem,
  METRICS_GROUPS,
  GROUP_VIEWS,
  type MetricsGroup,
} from './metrics/evaluateGroups';
export {
  evaluateProbabilities,
  type Evaluation,
  type EvaluateOptions,
} from './metrics/evaluateProbabilities';
export { metricsJson, formatMetricsJson, type MetricsJson } from './metrics/metricsJson';
export {
  formatEvaluation,
  formatMetricsReport,
  formatMetricsSummary,
} from './metrics/formatMetricsReport';
export { fuseProbabilities } from './metrics/fuseProbabilities';
export { confusionMatrix, normalizeRows, type ConfusionMatrix } from './metrics/confusionMatrix';
export { accuracyFromConfusion } from './metrics/accuracy';
export { accuracyByMargin, type MarginBin } from './metrics/accuracyByMargin';
export { argmaxRows } from './metrics/argmaxRows';
export { cohenKappa, type KappaWeights } from './metrics/cohenKappa';
export {
  classificationScores,
  perClassScores,
  averageScores,
  type ClassificationScores,
  type PerClassScores,
  type AveragedScore,
} from './metrics/precisionRecallF1';
export { rocCurve, rocAuc, rocOneVsRest, type RocCurve, type OvrRoc } from './metrics/rocCurve';
export {
  bootstrapCi,
  type BootstrapOptions,
  type BootstrapResult,
  type Interval,
} from './metrics/bootstrapCi';
export { denseSplit, type DenseSplit } from './metrics/denseSplit';

// ─── Grad-CAM and explainability ─────────────────────────────────────────────────────────────
// Maps (Grad-CAM, Grad-CAM++, saliency) at any layer through the engine, the original's MAPS/
// images, and the measures against phantom ground truth.
export { createCam, isCamMethod } from './cam/createCam';
export {
  CAM_METHODS,
  type Cam,
  type CamMethod,
  type CamOptions,
  type CamResult,
} from './cam/camTypes';
export type { CamTarget } from './cam/camTargets';
export { listCamLayers, type CamLayerInfo } from './cam/listCamLayers';
export {
  renderCamImages,
  writeCamImages,
  camFileNames,
  CAM_FILE_SUFFIXES,
  type CamImageSet,
  type RenderCamOptions,
} from './cam/camImages';
export { camMontage, type MontageOptions } from './cam/camMontage';
export { applyColormap, seismicColormap, grayColormap, type Colormap } from './cam/colormap';
export { colouredMap, addWeightedOverlay, alphaBlendOverlay } from './cam/overlay';
export { drawContours, DEFAULT_CONTOUR_LEVELS, type ContourLevel } from './cam/contours';
export {
  measureExplainability,
  type ExplainabilityInput,
  type ExplainabilityMeasures,
} from './cam/explainability/measureExplainability';
export {
  summarizeExplainability,
  type ExplainabilitySummary,
  type ExplainabilityGroup,
  type ExplainabilityRecord,
} from './cam/explainability/summarizeExplainability';
export {
  attentionRatio,
  pointingGame,
  type AttentionRatio,
  type PointingGame,
} from './cam/explainability/attentionRatio';
export { explainabilityFigure } from './cam/explainability/explainabilityFigure';
export { createImageScorer, type ImageScorer } from './cam/explainability/imageScorer';
export {
  generateCamMaps,
  GRADCAM_INDEX,
  EXPLAINABILITY_FILE,
  EXPLAINABILITY_FIGURE_FILE,
  type CamClassOption,
  type CamImageRecord,
  type CamItem,
  type CamRunReport,
  type GenerateCamMapsOptions,
} from './workflows/generateCamMaps';

// ─── Phantoms ────────────────────────────────────────────────────────────────────────────────
// Synthetic mammograms with ground-truth dense tissue, and phantom datasets on disk.
export {
  generatePhantom,
  PHANTOM_DEFAULT_SIZE,
  PHANTOM_GENERATOR,
  type Phantom,
  type PhantomOptions,
  type PhantomRecord,
} from './phantom/generatePhantom';
export {
  generatePhantomDataset,
  PHANTOM_SPLITS,
  type PhantomDatasetOptions,
} from './phantom/generatePhantomDataset';
export {
  createRawPhantom,
  type RawPhantom,
  type RawPhantomOptions,
} from './phantom/createRawPhantom';
export { densityClass, DENSITY_THRESHOLDS } from './phantom/densityClass';
export { readPhantomMask, MASK_VALUES, type PhantomMask } from './phantom/phantomMask';
export { readManifest, findPhantomMask, type ManifestRow } from './phantom/manifest';
export { sideBySide } from './phantom/sideBySide';

// ─── Keras import ────────────────────────────────────────────────────────────────────────────
// The original Keras 2.2.4 HDF5 weights into a density model, and the original assets.
export {
  importKerasFile,
  type ImportKerasFileOptions,
  type ImportKerasFileResult,
} from './keras/importKerasFile';
export {
  importKerasModel,
  type ImportKerasOptions,
  type ImportedKerasModel,
} from './keras/importKerasModel';
export { locateOriginalAssets, type OriginalAssets } from './keras/locateOriginalAssets';
export {
  fetchOriginalAssets,
  type FetchOriginalOptions,
  type FetchOriginalResult,
} from './keras/fetchOriginalAssets';

// ─── Training ────────────────────────────────────────────────────────────────────────────────
// Named from the folder's index, which the training code owns.
export {
  trainDensityModel,
  ORIGINAL_LR_SCHEDULE,
  readHistorySeries,
  parseHistoryCsv,
  formatModelReadme,
  provenanceChain,
  type ModelReadmeOptions,
  type EpochRecord,
  type TrainOptions,
  type TrainResult,
} from './train';

// ─── Classifier-head refit ───────────────────────────────────────────────────────────────────
// The last layer refitted on new labelled images with everything else frozen (`fit-head`):
// pooled features from the engine, convex softmax regression, λ by cross-validation.
export {
  extractPooledFeatures,
  pooledFeatureLayer,
  type ExtractPooledFeaturesOptions,
  type PooledFeatures,
} from './head/extractPooledFeatures';
export {
  fitSoftmaxHead,
  type FitSoftmaxHeadOptions,
  type FitSoftmaxHeadResult,
} from './head/fitSoftmaxHead';
export {
  chooseHeadL2,
  DEFAULT_HEAD_L2_GRID,
  type ChooseHeadL2Options,
  type ChooseHeadL2Result,
  type HeadL2Score,
} from './head/chooseHeadL2';
export {
  evaluateSoftmaxHead,
  type HeadDataset,
  type HeadEvaluation,
  type SoftmaxHead,
} from './head/softmaxHead';

// ─── Benchmark ───────────────────────────────────────────────────────────────────────────────
export { runBenchmark, type BenchmarkOptions, type BenchmarkResult } from './bench/runBenchmark';
export { formatBenchmark, benchmarkJson, type BenchmarkJson } from './bench/formatBenchmark';

// ─── Display and figures ─────────────────────────────────────────────────────────────────────
// Notebook displays, figures and their PNG rendering: whatever those folders export (they are
// being restructured into display/ and figure/).
export * from './figure';
export * from './display';
export * from './plots';
