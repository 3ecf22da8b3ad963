export * from './initBackend';
export * from './maxPoolBackprop';
export * from './registerWasmMaxPoolGrad';
