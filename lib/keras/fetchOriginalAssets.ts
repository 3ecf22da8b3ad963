/**
 * Download the authors' public sample assets of the original use case (GitHub repository
 * `camillascapicchio/MLINFN-CNNBreastDensityClassifier-Explainability`, branch `main`, folder
 * `myproject/`): the 16 sample images (`TestSet/`), the four published prediction files
 * (`Predictions/`) and the pretrained CC_R network (`CC_R_model/weights-improvement-46-0.80.h5`,
 * Keras 2.2.4), into the git-ignored folder `original/`, and convert the network into a model
 * directory (`original/CC_R_model/model.json` + shards). The repository has no licence: these
 * files are for the user's own use and are never committed.
 *
 * Crash and failure safety: every file is downloaded into a temporary staging folder
 * (`original/.fetch.tmp-…`, removed on failure) and checked (PNG signature, 4 numeric columns,
 * HDF5 signature); only when all are complete and the network converts are they renamed into
 * place. A failure midway (offline, HTTP error, connection closed, wrong content) leaves
 * `original/` as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { errorMessage } from '../errors';
import {
  TMP_INFIX,
  ensureWritableDir,
  removeStaleTemporaries,
  writeFileAtomic,
} from '../io/atomicWrite';
import { isPng } from '../io/png';
import type { ImportKerasFileResult } from './importKerasFile';
import { HDF5_SIGNATURE } from './openHdf5';
import { ORIGINAL_DIR, REPO_ROOT } from './locateOriginalAssets';

/** The authors' GitHub repository. */
export const ORIGINAL_REPOSITORY =
  'camillascapicchio/MLINFN-CNNBreastDensityClassifier-Explainability';
/** Default download base: `github.com/<repo>/raw/main/myproject/` (redirects to the raw or, for
 * Git LFS files, the media host). */
export const ORIGINAL_BASE_URL = `https://github.com/${ORIGINAL_REPOSITORY}/raw/main/myproject/`;
/** Environment variable overriding the base URL (tests, mirrors). */
export const ORIGINAL_BASE_URL_ENV = 'DENSITY_ORIGINAL_BASE_URL';
/** Environment variable overriding the network timeout in milliseconds. */
export const FETCH_TIMEOUT_ENV = 'DENSITY_FETCH_TIMEOUT_MS';
/** Default timeout: for the response headers, and for each pause in the body (ms). */
export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/** The pretrained network, relative to `myproject/`. */
export const ORIGINAL_WEIGHTS_FILE = 'CC_R_model/weights-improvement-46-0.80.h5';
/** The 16 sample images, one per class per projection, relative to `myproject/`. */
export const ORIGINAL_TEST_SET_FILES: readonly string[] = [
  'TestSet/CC_L/test/A/124_1_A_CC_L.png',
  'TestSet/CC_L/test/B/110_1_B_CC_L.png',
  'TestSet/CC_L/test/C/145_1_C_CC_L.png',
  'TestSet/CC_L/test/D/1302_1_D_CC_L.png',
  'TestSet/CC_R/test/A/1251_1_A_CC_R.png',
  'TestSet/CC_R/test/B/1103_1_B_CC_R.png',
  'TestSet/CC_R/test/C/145_1_C_CC_R.png',
  'TestSet/CC_R/test/D/1346_1_D_CC_R.png',
  'TestSet/MLO_L/test/A/2205_1_A_MLO_L.png',
  'TestSet/MLO_L/test/B/111_1_B_MLO_L.png',
  'TestSet/MLO_L/test/C/1301_1_C_MLO_L.png',
  'TestSet/MLO_L/test/D/1302_1_D_MLO_L.png',
  'TestSet/MLO_R/test/A/124_1_A_MLO_R.png',
  'TestSet/MLO_R/test/B/110_1_B_MLO_R.png',
  'TestSet/MLO_R/test/C/145_1_C_MLO_R.png',
  'TestSet/MLO_R/test/D/1302_1_D_MLO_R.png',
];
/** The published prediction files (128 rows × A B C D probabilities), relative to `myproject/`. */
export const ORIGINAL_PREDICTION_FILES: readonly string[] = [
  'Predictions/predictions_ccr.txt',
  'Predictions/predictions_mlor.txt',
  'Predictions/predictions_ccl.txt',
  'Predictions/predictions_mlol.txt',
];
/** Every file fetched, relative to `myproject/` and to `original/`. */
export const ORIGINAL_FILES: readonly string[] = [
  ...ORIGINAL_TEST_SET_FILES,
  ...ORIGINAL_PREDICTION_FILES,
  ORIGINAL_WEIGHTS_FILE,
];

/** A download or check failed; the message names the URL and the reason. */
export class FetchOriginalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FetchOriginalError';
  }
}

/** Options of {@link fetchOriginalAssets}. */
export interface FetchOriginalOptions {
  /** Repository root; files go to `<root>/original/`. Default: this checkout. */
  root?: string;
  /** Base URL ending in `/` (default `$DENSITY_ORIGINAL_BASE_URL` or {@link ORIGINAL_BASE_URL}). */
  baseUrl?: string;
  /** Timeout for the response headers and for each pause in a body, ms (default
   * `$DENSITY_FETCH_TIMEOUT_MS` or 10 s): offline, the first file fails within it. */
  timeoutMs?: number;
  /** Files to fetch, relative to the base (default {@link ORIGINAL_FILES}). */
  files?: readonly string[];
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** What {@link fetchOriginalAssets} did. */
export interface FetchOriginalResult {
  /** Absolute path of `original/`. */
  dir: string;
  /** Files written, relative to `original/`. */
  files: string[];
  /** Bytes downloaded. */
  bytes: number;
  /** The converted network, when the weights file was among the files. */
  model: ImportKerasFileResult | null;
}

/** Check downloaded content by file type, so that an HTML error page or an LFS pointer is refused. */
export function checkOriginalFile(rel: string, bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  if (head.startsWith('version https://git-lfs')) {
    return 'is a Git LFS pointer, not the file (the server did not resolve Git LFS)';
  }
  if (/\.png$/i.test(rel)) return isPng(bytes) ? null : 'is not a PNG image';
  if (/\.h5$/i.test(rel)) {
    return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(HDF5_SIGNATURE)
      ? null
      : 'is not an HDF5 file';
  }
  if (/\.txt$/i.test(rel)) {
    const lines = Buffer.from(bytes)
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim());
    if (lines.length === 0) return 'is empty';
    const bad = lines.findIndex((l) => {
      const cols = l.trim().split(/[\s,]+/);
      return cols.length !== 4 || cols.some((c) => !Number.isFinite(Number(c)));
    });
    return bad < 0 ? null : `line ${bad + 1} is not 4 numbers`;
  }
  return null;
}

/** Plain-language reasons for the network errors one meets offline or behind a firewall. */
const NETWORK_ERRORS: Record<string, string> = {
  ENOTFOUND: 'host not found: no internet connection or no DNS',
  EAI_AGAIN: 'host name lookup failed: no internet connection or no DNS',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  ENETUNREACH: 'network unreachable: no internet connection',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'connection closed by the server before the end of the file',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

async function download(url: string, timeoutMs: number): Promise<Uint8Array> {
  const controller = new AbortController();
  let reason = '';
  let timer: NodeJS.Timeout | undefined;
  const arm = (what: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      reason = `no ${what} within ${timeoutMs / 1000} s`;
      controller.abort();
    }, timeoutMs);
  };
  arm('response');
  try {
    const res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!res.ok) {
      throw new FetchOriginalError(`${url}: HTTP ${res.status} ${res.statusText}`.trim());
    }
    if (!res.body) throw new FetchOriginalError(`${url}: empty response`);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = res.body.getReader();
    arm('data');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
      arm('data');
    }
    const expected = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(expected) && !res.headers.get('content-encoding') && expected !== total) {
      throw new FetchOriginalError(`${url}: got ${total} of ${expected} bytes (connection closed)`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof FetchOriginalError) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? '';
    const why =
      reason ||
      (NETWORK_ERRORS[code] ? `${NETWORK_ERRORS[code]} (${code})` : '') ||
      cause?.message ||
      errorMessage(err);
    throw new FetchOriginalError(`${url}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Download the original assets into `<root>/original/` and convert the pretrained network into
 * `original/CC_R_model/` (a model directory, projection CC_R, input size from its model_config).
 * Needs internet access (github.com); everything is staged and checked before anything in
 * `original/` changes, so an interrupted or failed run leaves no partial file.
 * @param options Root, base URL, timeout, file list, progress sink.
 * @returns What was written.
 * @throws FetchOriginalError naming the URL and why (offline, timeout, HTTP status, connection
 *   closed, unexpected content); InputError when the weights file does not convert.
 */
export async function fetchOriginalAssets(
  options: FetchOriginalOptions = {},
): Promise<FetchOriginalResult> {
  const root = path.resolve(options.root ?? REPO_ROOT);
  let base = options.baseUrl ?? process.env[ORIGINAL_BASE_URL_ENV] ?? ORIGINAL_BASE_URL;
  if (!base.endsWith('/')) base += '/';
  const envTimeout = Number(process.env[FETCH_TIMEOUT_ENV]);
  const timeoutMs = options.timeoutMs ?? (envTimeout > 0 ? envTimeout : DEFAULT_FETCH_TIMEOUT_MS);
  const files = options.files ?? ORIGINAL_FILES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const dir = path.join(root, ORIGINAL_DIR);
  const created = !fs.existsSync(dir);
  ensureWritableDir(dir);
  removeStaleTemporaries(dir); // staging folders of earlier interrupted runs
  const staging = path.join(dir, `.fetch${TMP_INFIX}${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(staging);
  try {
    let bytes = 0;
    for (const [i, rel] of files.entries()) {
      const url = new URL(rel.split('/').map(encodeURIComponent).join('/'), base).href;
      const data = await download(url, timeoutMs);
      const problem = checkOriginalFile(rel, data);
      if (problem) throw new FetchOriginalError(`${url}: ${problem}`);
      writeFileAtomic(path.join(staging, rel), data);
      bytes += data.byteLength;
      log(
        `fetch-original: [${i + 1}/${files.length}] ${rel} (${data.byteLength.toLocaleString('en-US')} bytes)`,
      );
    }
    let model: ImportKerasFileResult | null = null;
    if (files.includes(ORIGINAL_WEIGHTS_FILE)) {
      const modelDir = path.join(dir, path.dirname(ORIGINAL_WEIGHTS_FILE));
      // Loaded only now, so that an offline run fails before TensorFlow.js is even loaded.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { importKerasFile } =
        require('./importKerasFile') as typeof import('./importKerasFile');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { initBackend } =
        require('../backend/initBackend') as typeof import('../backend/initBackend');
      await initBackend({ report: null }); // no-op when the caller already chose a backend
      // Checks the whole architecture before writing; the model files are written crash-safely.
      model = await importKerasFile(path.join(staging, ORIGINAL_WEIGHTS_FILE), modelDir, {
        projection: 'CC_R',
        source: new URL(ORIGINAL_WEIGHTS_FILE, base).href,
        command: 'npm run fetch-original',
      });
      log(
        `fetch-original: converted ${ORIGINAL_WEIGHTS_FILE} → ${path.relative(root, modelDir)}/model.json`,
      );
    }
    // Everything is complete and checked: move into place (each rename is atomic).
    for (const rel of files) {
      const target = path.join(dir, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staging, rel), target);
    }
    return { dir, files: [...files], bytes, model };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Leave no trace of a failed first run: remove `original/` when this run created it.
    if (created && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
    throw err;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
