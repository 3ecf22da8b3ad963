/**
 * Workflows: whole runs that tie the compute folders together (read inputs, map or predict,
 * write outputs), beside the CLI commands that call them. Compute folders never import this
 * folder or `cli/` (checked by test/structure/layering.test.ts).
 */
export * from './generateCamMaps';
export * from './predictItemsInWorkers';
