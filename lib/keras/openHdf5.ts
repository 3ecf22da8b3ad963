/**
 * A typed view of the pure-JavaScript HDF5 reader jsfive (https://github.com/usnistgov/jsfive,
 * CommonJS build, no native code, no WebAssembly), loaded on first use.
 */
import * as fs from 'fs';
import { InputError, errorMessage } from '../errors';

/** An HDF5 group (or the file root) as jsfive exposes it. */
export interface Hdf5Group {
  /** Absolute path inside the file, e.g. `/model_weights/conv2d_1`. */
  readonly name: string;
  /** Names of the links (children) of the group, in storage order (not creation order). */
  readonly keys: string[];
  /** Attributes: strings, numbers, or arrays of them (fixed-length strings keep NUL padding). */
  readonly attrs: Record<string, unknown>;
  /** A child group or dataset by relative path; throws (a string) when absent. */
  get(path: string): Hdf5Group | Hdf5Dataset | null;
}

/** An HDF5 dataset as jsfive exposes it. */
export interface Hdf5Dataset {
  /** Absolute path inside the file. */
  readonly name: string;
  /** Dimensions (`[]` for a scalar). */
  readonly shape: number[];
  /** numpy-style type string, e.g. `<f4`, `>f8`, `<i8`, or a compound description. */
  readonly dtype: unknown;
  /** All values, row-major (a plain array of numbers for numeric datasets). */
  readonly value: ArrayLike<number> | unknown;
  readonly attrs: Record<string, unknown>;
}

interface JsfiveModule {
  File: new (buffer: ArrayBuffer, filename?: string) => Hdf5Group;
  Group: new (...args: never[]) => Hdf5Group;
  Dataset: new (...args: never[]) => Hdf5Dataset;
}

/** The 8-byte HDF5 format signature (at offset 0, 512, 1024, … when there is a user block). */
export const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether `node` (from {@link Hdf5Group.get}) is a group rather than a dataset. */
export function isHdf5Group(node: unknown): node is Hdf5Group {
  return typeof node === 'object' && node !== null && 'keys' in node && !('shape' in node);
}

/**
 * Read an HDF5 file from disk and open its root group (the whole file is read into memory:
 * Keras weight files are megabytes to a few hundred megabytes).
 * @param file Path of the `.h5` / `.hdf5` file.
 * @returns The root group.
 * @throws InputError naming the file when it is missing, unreadable, not HDF5, or truncated.
 */
export function openHdf5(file: string): Hdf5Group {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${file}: file does not exist`);
    if (code === 'EISDIR') throw new InputError(`${file}: is a directory, expected an HDF5 file`);
    throw new InputError(`${file}: cannot read (${code ?? errorMessage(err)})`);
  }
  if (bytes.byteLength === 0) throw new InputError(`${file}: empty file, expected an HDF5 file`);
  if (!bytes.subarray(0, 8).equals(HDF5_SIGNATURE)) {
    throw new InputError(`${file}: not an HDF5 file (no HDF5 signature at the start)`);
  }
  const eof = hdf5EndOfFile(bytes);
  if (eof !== null && eof > bytes.byteLength) {
    throw new InputError(
      `${file}: truncated HDF5 file: ${bytes.byteLength} bytes, its header says ${eof} (incomplete download or copy?)`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jsfive = require('jsfive') as JsfiveModule;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    return new jsfive.File(buffer as ArrayBuffer, file);
  } catch (err) {
    throw new InputError(
      `${file}: unreadable HDF5 file, truncated or damaged (${hdf5ErrorMessage(err)})`,
    );
  }
}

/**
 * The end-of-file address recorded in the HDF5 superblock (versions 0–3, 8-byte offsets, no
 * user block): the size the complete file must have at least.
 * @param bytes The file, starting with the HDF5 signature.
 * @returns The address, or null when the superblock layout is not one this reads.
 */
export function hdf5EndOfFile(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12) return null;
  const version = bytes[8];
  let offsetSize: number;
  let at: number;
  if (version === 0 || version === 1) {
    offsetSize = bytes[13];
    at = (version === 0 ? 24 : 28) + 2 * offsetSize; // after base and free-space addresses
  } else if (version === 2 || version === 3) {
    offsetSize = bytes[9];
    at = 12 + 2 * offsetSize; // after base and superblock-extension addresses
  } else {
    return null;
  }
  if (offsetSize !== 8 || bytes.byteLength < at + 8) return null;
  const eof = view.getBigUint64(at, true);
  return eof > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(eof);
}

/** jsfive throws strings and RangeErrors; make either one short line. */
export function hdf5ErrorMessage(err: unknown): string {
  const msg = errorMessage(err).split('\n')[0];
  return msg.length > 160 ? `${msg.slice(0, 157)}...` : msg;
}
