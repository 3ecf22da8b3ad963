/**
 * Convert a Keras HDF5 file into a model directory of this project (`model.json` + shards +
 * metadata), the format every other command and notebook loads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import type { Projection } from '../model/constants';
import { createModelMetadata, type ModelMetadata } from '../modelFiles/modelMetadata';
import { saveDensityModel } from '../modelFiles/saveDensityModel';
import {
  importKerasModel,
  type ImportedKerasModel,
  type ImportKerasOptions,
} from './importKerasModel';

/** Options of {@link importKerasFile}. */
export interface ImportKerasFileOptions extends Pick<ImportKerasOptions, 'inputSize'> {
  /** Projection the network was trained for (stored in the metadata), or null. Default null. */
  projection?: Projection | null;
  /** The command line that ran the import, for the provenance. */
  command?: string;
  /** TF.js backend name, for the provenance. */
  backend?: string;
  /** Source recorded in the provenance (e.g. the download URL). Default: the file's absolute path. */
  source?: string;
}

/** Result of {@link importKerasFile}. */
export interface ImportKerasFileResult {
  /** The model directory written (absolute). */
  dir: string;
  /** The metadata written into it. */
  metadata: ModelMetadata;
  /** Facts about the import (see {@link importKerasModel}), without the model. */
  imported: Omit<ImportedKerasModel, 'model' | 'contents'> & {
    kind: 'model' | 'weights';
    kerasVersion: string | null;
    kerasBackend: string | null;
  };
}

/**
 * Check, without creating anything, that directory `dir` exists and is writable or can be
 * created: its nearest existing ancestor must be a writable directory.
 * @throws InputError naming `dir` and the obstacle.
 */
export function assertCanWriteDir(dir: string): void {
  let p = path.resolve(dir);
  while (!fs.existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
  if (!fs.statSync(p).isDirectory()) {
    throw new InputError(`${dir}: cannot create the output directory (${p} is a file)`);
  }
  try {
    fs.accessSync(p, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${dir}: output directory is not writable (${p}: ${code})`);
  }
}

/**
 * Import a Keras HDF5 file (see {@link importKerasModel}) and save it as a model directory with
 * `saveDensityModel` (crash-safe: a failure leaves the previous directory content, or nothing).
 * The metadata records `createdBy: "import-keras"`, the source file, the Keras version and
 * backend, the file kind (`model` / `weights`) and the input size.
 * @param file Path of the `.h5` file.
 * @param outDir Model directory to write (created when missing).
 * @param options Input size, projection, provenance details.
 * @returns Where it was written and what was imported.
 * @throws InputError when the file cannot be read or does not match the architecture (nothing
 *   is written then), or when `outDir` is not writable.
 */
export async function importKerasFile(
  file: string,
  outDir: string,
  options: ImportKerasFileOptions = {},
): Promise<ImportKerasFileResult> {
  assertCanWriteDir(outDir); // before the import's seconds of work, and without creating it
  const imported = importKerasModel(file, { inputSize: options.inputSize });
  const { model, contents, ...facts } = imported;
  try {
    const metadata = createModelMetadata(
      imported.inputSize,
      {
        createdBy: 'import-keras',
        source: options.source ?? path.resolve(file),
        ...(options.backend ? { backend: options.backend } : {}),
        ...(options.command ? { command: options.command } : {}),
        kerasFile: contents.kind,
        kerasVersion: contents.kerasVersion,
        kerasBackend: contents.backend,
        inputSizeFrom: imported.inputSizeFrom,
      },
      options.projection ?? null,
    );
    const dir = path.resolve(outDir);
    await saveDensityModel(model, dir, metadata);
    return {
      dir,
      metadata,
      imported: {
        ...facts,
        kind: contents.kind,
        kerasVersion: contents.kerasVersion,
        kerasBackend: contents.backend,
      },
    };
  } finally {
    model.dispose();
  }
}
