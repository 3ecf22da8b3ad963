export * from './countFlops';
export * from './formatBenchmark';
export * from './runBenchmark';
export * from './summarizeTimes';
export * from './trainStepWorker';
export * from './runTorchReference';
export * from './runPytorchComparison';
export * from './timeOnnxFile';
