export * from './createProgress';
