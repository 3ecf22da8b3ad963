/**
 * fetch-original against a local HTTP server (node http on 127.0.0.1) serving small stand-in
 * files: the complete run, and failures midway (HTTP 404/500, connection closed, silence, wrong
 * content, nothing listening) that must leave no partial file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { makeTmpDir } from '../helpers/tmp';
import { setupTf } from '../helpers/tf';
import { gradientRaster } from '../helpers/fixtures';
import { encodePng } from '../../lib/io/png';
import {
  FetchOriginalError,
  ORIGINAL_FILES,
  ORIGINAL_PREDICTION_FILES,
  ORIGINAL_TEST_SET_FILES,
  ORIGINAL_WEIGHTS_FILE,
  fetchOriginalAssets,
  locateOriginalAssets,
} from '../../lib/keras';
import { readModelMetadata } from '../../lib/modelFiles';

const REPO = path.join(__dirname, '..', '..');
const PYTHON = '/usr/bin/python3';

/** Stand-in content for every original file (the .h5 only when `h5` is given). */
function standIns(h5?: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  ORIGINAL_TEST_SET_FILES.forEach((f, i) =>
    files.set(f, encodePng(gradientRaster(12, 16, 1, 8, i))),
  );
  ORIGINAL_PREDICTION_FILES.forEach((f, i) =>
    files.set(
      f,
      Buffer.from(
        Array.from({ length: 6 }, (_, r) =>
          [0.1, 0.2, 0.3, 0.4].map((v) => (v + 0.01 * (r + i)).toExponential(18)).join(' '),
        ).join('\n') + '\n',
      ),
    ),
  );
  if (h5) files.set(ORIGINAL_WEIGHTS_FILE, h5);
  return files;
}

type Fault = (rel: string, res: http.ServerResponse) => boolean;

/** Serve `files` under `/myproject/`; `fault` may take over a response. Returns the base URL. */
async function serve(
  files: Map<string, Buffer>,
  fault?: Fault,
): Promise<{ base: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '').replace(/^\/myproject\//, ''));
    requests.push(rel);
    if (fault && fault(rel, res)) return;
    const body = files.get(rel);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}/myproject/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

const quiet = (): void => undefined;

const failures: {
  name: string;
  fault: Fault;
  message: RegExp;
  timeoutMs?: number;
}[] = [
  {
    name: 'HTTP 404 on the 10th file',
    fault: (rel, res) =>
      rel === ORIGINAL_TEST_SET_FILES[9] && (res.writeHead(404).end('Not Found'), true),
    message: /MLO_L\/test\/B\/111_1_B_MLO_L\.png: HTTP 404/,
  },
  {
    name: 'HTTP 500 on a prediction file',
    fault: (rel, res) =>
      rel === ORIGINAL_PREDICTION_FILES[2] && (res.writeHead(500).end('oops'), true),
    message: /predictions_ccl\.txt: HTTP 500/,
  },
  {
    name: 'connection closed in the middle of a file',
    fault: (rel, res) => {
      if (rel !== ORIGINAL_TEST_SET_FILES[5]) return false;
      res.writeHead(200, { 'content-length': 5000 });
      res.write(Buffer.alloc(100, 1), () => res.destroy());
      return true;
    },
    message: /1103_1_B_CC_R\.png: (connection closed|.*terminated|got 100 of 5000 bytes)/,
  },
  {
    name: 'server silent (timeout)',
    fault: (rel) => rel === ORIGINAL_TEST_SET_FILES[2], // never answers
    message: /145_1_C_CC_L\.png: no response within 0\.3 s/,
    timeoutMs: 300,
  },
  {
    name: 'an HTML page instead of a PNG',
    fault: (rel, res) =>
      rel === ORIGINAL_TEST_SET_FILES[0] &&
      (res.writeHead(200, { 'content-type': 'text/html' }).end('<html>rate limited</html>'), true),
    message: /124_1_A_CC_L\.png: is not a PNG image/,
  },
  {
    name: 'a Git LFS pointer instead of the weights',
    fault: (rel, res) =>
      rel === ORIGINAL_WEIGHTS_FILE &&
      (res.end('version https://git-lfs.github.com/spec/v1\noid sha256:ab\nsize 27000000\n'), true),
    message: /weights-improvement-46-0\.80\.h5: is a Git LFS pointer/,
  },
];

for (const f of failures) {
  test(`failure midway: ${f.name} → clear error, original/ unchanged, no temporaries`, async () => {
    const root = makeTmpDir();
    // A previous complete download must survive untouched.
    const keep = path.join(root, 'original', 'TestSet', 'CC_L', 'test', 'A', '124_1_A_CC_L.png');
    fs.mkdirSync(path.dirname(keep), { recursive: true });
    fs.writeFileSync(keep, 'previous');
    const srv = await serve(standIns(Buffer.from('stand-in, never reached')), f.fault);
    const t0 = Date.now();
    try {
      await assert.rejects(
        fetchOriginalAssets({
          root,
          baseUrl: srv.base,
          timeoutMs: f.timeoutMs ?? 5000,
          log: quiet,
        }),
        (err: unknown) => err instanceof FetchOriginalError && f.message.test(err.message),
      );
    } finally {
      await srv.close();
    }
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
    assert.deepEqual(listFiles(path.join(root, 'original')), [
      path.join('TestSet', 'CC_L', 'test', 'A', '124_1_A_CC_L.png'),
    ]);
    assert.equal(fs.readFileSync(keep, 'utf8'), 'previous');
    assert.deepEqual(locateOriginalAssets(root), {
      modelDir: null,
      testSetDir: path.join(root, 'original', 'TestSet'),
      predictionsDir: null,
    });
  });
}

test('nothing listening: fails at once, and a first run leaves no original/ folder', async () => {
  const root = makeTmpDir();
  const srv = await serve(new Map());
  const base = srv.base;
  await srv.close(); // the port is now closed: connection refused
  const t0 = Date.now();
  await assert.rejects(
    fetchOriginalAssets({ root, baseUrl: base, log: quiet }),
    (err: unknown) =>
      err instanceof FetchOriginalError &&
      /124_1_A_CC_L\.png: connection refused/.test(err.message),
  );
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.equal(fs.existsSync(path.join(root, 'original')), false);
  assert.deepEqual(locateOriginalAssets(root), {
    modelDir: null,
    testSetDir: null,
    predictionsDir: null,
  });
});

test('images and predictions only: every byte as served, located for the notebooks', async () => {
  const root = makeTmpDir();
  const files = standIns();
  const srv = await serve(files);
  const subset = [...ORIGINAL_TEST_SET_FILES, ...ORIGINAL_PREDICTION_FILES];
  try {
    const r = await fetchOriginalAssets({ root, baseUrl: srv.base, files: subset, log: quiet });
    assert.equal(r.model, null);
    assert.equal(r.files.length, 20);
    assert.deepEqual(srv.requests, subset);
  } finally {
    await srv.close();
  }
  const dir = path.join(root, 'original');
  assert.deepEqual(listFiles(dir), [...subset].map((f) => path.join(...f.split('/'))).sort());
  for (const f of subset) assert.ok(fs.readFileSync(path.join(dir, f)).equals(files.get(f)!), f);
  assert.deepEqual(locateOriginalAssets(root), {
    modelDir: null,
    testSetDir: path.join(dir, 'TestSet'),
    predictionsDir: path.join(dir, 'Predictions'),
  });
});

function pythonSkip(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
  return r.status === 0
    ? false
    : `${PYTHON} with h5py and numpy is needed for the stand-in weights`;
}

test(
  'npm run fetch-original (the script) against the local server: all 21 files, converted model, tutorial commands',
  { skip: pythonSkip() },
  async () => {
    await setupTf();
    const fx = makeTmpDir('bd-fetch-fx-');
    const g = spawnSync(
      PYTHON,
      [path.join(REPO, 'scripts', 'make-keras-fixture.py'), fx, '--only', 'whole'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(g.status, 0, g.stderr);
    const files = standIns(fs.readFileSync(path.join(fx, 'whole.h5')));
    const srv = await serve(files);
    const root = makeTmpDir();
    let out = { code: -1, stdout: '', stderr: '' };
    try {
      out = await new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(REPO, 'scripts', 'fetch-original.ts')],
          {
            cwd: REPO,
            env: {
              ...process.env,
              DENSITY_ORIGINAL_BASE_URL: srv.base,
              DENSITY_ORIGINAL_ROOT: root,
              DENSITY_BACKEND: 'wasm',
            },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    } finally {
      await srv.close();
    }
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /fetch-original: 21 files/);
    assert.match(
      out.stdout,
      /the authors' CC_R network is now a model directory: .*original\/CC_R_model \(input 64x64, 2,262,660 parameters\)/,
    );
    assert.match(
      out.stdout,
      /Run the tutorial on them:\n {2}node .*bin\/breast-density\.js info .*original\/CC_R_model/,
    );
    const dir = path.join(root, 'original');
    for (const f of ORIGINAL_FILES)
      assert.ok(fs.readFileSync(path.join(dir, f)).equals(files.get(f)!), f);
    const meta = readModelMetadata(path.join(dir, 'CC_R_model'));
    assert.equal(meta.projection, 'CC_R');
    assert.equal(meta.provenance.createdBy, 'import-keras');
    assert.equal(meta.provenance.source, `${srv.base}${ORIGINAL_WEIGHTS_FILE}`);
    assert.deepEqual(locateOriginalAssets(root), {
      modelDir: path.join(dir, 'CC_R_model'),
      testSetDir: path.join(dir, 'TestSet'),
      predictionsDir: path.join(dir, 'Predictions'),
    });
    assert.deepEqual(
      listFiles(dir).filter((f) => f.includes('.tmp-')),
      [],
    );
  },
);

test('the script offline: exit 1 within seconds, one clear message, nothing written', async () => {
  const root = makeTmpDir();
  const srv = await serve(new Map());
  await srv.close(); // a port where nothing listens any more
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'scripts', 'fetch-original.ts')],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: {
        ...process.env,
        DENSITY_ORIGINAL_BASE_URL: srv.base,
        DENSITY_ORIGINAL_ROOT: root,
      },
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /fetch-original: failed: http:\/\/127\.0\.0\.1:\d+\/myproject\/TestSet\/CC_L\/test\/A\/124_1_A_CC_L\.png: connection refused/,
  );
  assert.match(r.stderr, /nothing was changed in .*original\. This step needs internet access/);
  assert.equal(fs.existsSync(path.join(root, 'original')), false);
  assert.ok(Date.now() - t0 < 30_000, `took ${Date.now() - t0} ms`);
});
