/**
 * Notebooks: committed notebooks are clean; every notebook in notebooks/ (and the runtime smoke
 * notebook) is executed ONCE through the real tslab kernel via Jupyter (nbclient), with checks
 * on errors and on the expected outputs; one exported HTML is rendered in headless Chromium.
 *
 * Needs Jupyter (python3-nbclient, python3-nbconvert) and Chromium: `.ci/run` installs them,
 * `npm run setup` installs Jupyter. Their absence is a failure with instructions, not a skip.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as jupyter from '../../environment/jupyter';
import { decodePng } from '../../lib/io/png';
import { PLOTLY_MIME } from '../../lib/display/figureBundle';
import { colorAt, resolveColorscale } from '../../lib/figure/colors';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clean = require('../../scripts/clean-notebooks.js') as {
  listNotebooks(): string[];
  notebookProblems(nb: Notebook): string[];
  cleanNotebook(nb: Notebook): Notebook;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { linkSelf } = require('../../environment/link-self.js') as { linkSelf(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const launcher = require('../../environment/tslab-kernel.js') as {
  patchedSources(dist: string): Record<string, string> | string;
  tslabDist(): string;
};

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  metadata?: Record<string, unknown>;
}
interface Notebook {
  cells: Cell[];
  metadata: {
    kernelspec?: { name?: string; language?: string; display_name?: string };
    [k: string]: unknown;
  };
  nbformat: number;
  nbformat_minor?: number;
}

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'out', 'test-notebooks');
const SCREENSHOTS = path.join(ROOT, 'out', 'screenshots');
const SMOKE = path.join(ROOT, 'test', 'fixtures', 'notebooks', 'Smoke.ipynb');
const joinText = (t: string | string[] | undefined): string =>
  Array.isArray(t) ? t.join('') : (t ?? '');
const codeCells = (nb: Notebook): Cell[] => nb.cells.filter((c) => c.cell_type === 'code');
const allOutputs = (nb: Notebook): Output[] => codeCells(nb).flatMap((c) => c.outputs ?? []);
const mimeOutputs = (nb: Notebook, mime: string): Output[] =>
  allOutputs(nb).filter((o) => o.data && o.data[mime] !== undefined);

/** Text that means a cell went wrong even if the kernel reported success. */
const ERROR_TEXT = /(^|\n)\s*(\w*Error|UnhandledPromiseRejection|UncaughtException)\b|^\d+:\d+ - /;

describe('committed notebooks', () => {
  test('have no outputs or execution counts and use the tslab kernelspec', () => {
    const files = clean.listNotebooks();
    assert.ok(files.includes(SMOKE), 'the smoke notebook is listed');
    for (const f of files) {
      const problems = clean.notebookProblems(JSON.parse(fs.readFileSync(f, 'utf8')) as Notebook);
      assert.deepEqual(
        problems,
        [],
        `${path.relative(ROOT, f)} is not clean: run npm run clean-notebooks`,
      );
    }
  });

  test('the check finds outputs, counts and a wrong kernel, and cleaning fixes them', () => {
    const dirty: Notebook = {
      cells: [
        { cell_type: 'markdown', source: '# t' },
        {
          cell_type: 'code',
          source: '1',
          execution_count: 3,
          outputs: [{ output_type: 'stream', name: 'stdout', text: '1' }],
        },
      ],
      metadata: { kernelspec: { name: 'python3', language: 'python' } },
      nbformat: 4,
    };
    const problems = clean.notebookProblems(dirty);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /kernelspec .*python3.*expected name "tslab"/);
    assert.equal(problems[1], 'cell 1: 1 output(s)');
    assert.equal(problems[2], 'cell 1: execution_count 3');
    const fixed = clean.cleanNotebook(dirty);
    assert.deepEqual(clean.notebookProblems(fixed), []);
    assert.equal(fixed.cells[1].source, '1');
    assert.equal(dirty.cells[1].outputs?.length, 1, 'the input is not modified');
  });
});

describe('environment', () => {
  test('installed npm packages match environment/versions.json', () => {
    const bad = jupyter.checkNpmVersions().filter((p) => !p.ok);
    assert.deepEqual(
      bad,
      [],
      'run npm ci, or update environment/versions.json together with the lockfile',
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies.tslab, jupyter.VERSIONS.npm.tslab);
    assert.equal(pkg.dependencies['@tensorflow/tfjs'], jupyter.VERSIONS.npm['@tensorflow/tfjs']);
  });

  test("the README's set-up makes every test runnable: /usr/bin/python3 imports h5py, numpy and torch", () => {
    // test/keras.test.ts writes its HDF5 fixture with h5py and numpy, test/torchReference.test.ts
    // and the bench run the PyTorch reference; environment/setup.js (npm run setup, npm run
    // tutorial) installs environment/versions.json's aptTests when they are missing.
    assert.deepEqual(jupyter.VERSIONS.aptTests, ['python3-h5py', 'python3-numpy', 'python3-torch']);
    const r = spawnSync('/usr/bin/python3', ['-c', 'import h5py, numpy, torch'], {
      encoding: 'utf8',
    });
    assert.equal(
      r.status,
      0,
      `run npm run setup (or apt-get install python3-h5py python3-numpy python3-torch): ${r.stderr}`,
    );
  });

  test('the kernel launcher patches apply to the installed tslab', () => {
    const sources = launcher.patchedSources(launcher.tslabDist());
    assert.equal(typeof sources, 'object', String(sources));
    assert.match((sources as Record<string, string>)['converter.js'], /rootDir: __bdRoot,/);
  });

  test('the kernelspec starts this checkout through the launcher', () => {
    const spec = jupyter.kernelSpec();
    assert.deepEqual(spec.argv.slice(1), [
      jupyter.KERNEL_LAUNCHER,
      'kernel',
      '--config-path',
      '{connection_file}',
    ]);
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.language, 'typescript');
  });
});

/**
 * Ask tsserver (the editor's TypeScript) for the type of `X` in a notebook cell, opened the way
 * VS Code opens cells: a dynamic file name `^/vscode-notebook-cell/ts-nul-authority/<notebook>#<cell>`
 * in an inferred project rooted at the workspace.
 */
function editorTypesInCells(
  sources: string[],
): Promise<{ diagnostics: string[]; type: string | undefined }[]> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const server = spawn(process.execPath, [
    require.resolve('typescript/lib/tsserver.js'),
    '--useInferredProjectPerProjectRoot',
    '--disableAutomaticTypingAcquisition',
  ]);
  let buffer = '';
  const waiting = new Map<number, (body: unknown) => void>();
  server.stdout.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    for (;;) {
      const m = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!m) return;
      const start = m.index + m[0].length;
      const body = Buffer.from(buffer.slice(start), 'utf8');
      if (body.length < Number(m[1])) return;
      const text = body.subarray(0, Number(m[1])).toString('utf8');
      buffer = buffer.slice(start + text.length);
      const msg = JSON.parse(text) as { type: string; request_seq: number; body: unknown };
      if (msg.type === 'response') waiting.get(msg.request_seq)?.(msg.body);
    }
  });
  let seq = 0;
  const request = (command: string, args: unknown): Promise<unknown> =>
    new Promise((resolve) => {
      waiting.set(++seq, resolve);
      server.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  return (async () => {
    try {
      const results: { diagnostics: string[]; type: string | undefined }[] = [];
      for (const [i, source] of sources.entries()) {
        const file = `^/vscode-notebook-cell/ts-nul-authority${ROOT}/notebooks/Check.ipynb#W${i}sZmlsZQ==`;
        await request('open', {
          file,
          fileContent: source,
          scriptKindName: 'TS',
          projectRootPath: ROOT,
        });
        const diagnostics = (
          (await request('semanticDiagnosticsSync', { file })) as { text: string }[]
        ).map((d) => d.text);
        const lines = source.split('\n');
        const info = (await request('quickinfo', {
          file,
          line: lines.length,
          offset: lines[lines.length - 1].indexOf('X') + 1,
        })) as { displayString: string } | undefined;
        results.push({ diagnostics, type: info?.displayString });
      }
      return results;
    } finally {
      server.kill();
    }
  })();
}

describe('imports in an editor (VS Code notebook cells)', () => {
  test("'breast-density' keeps the library's types; '../lib' cannot be resolved there", async () => {
    // The link npm install (postinstall), setup and the kernel make; `npm install <pkg>` prunes it.
    linkSelf();
    const [byName, relative] = await editorTypesInCells([
      "import { renderFigurePng } from 'breast-density';\nconst X = renderFigurePng;",
      "import { renderFigurePng } from '../lib';\nconst X = renderFigurePng;",
    ]);
    assert.deepEqual(byName.diagnostics, []);
    assert.equal(
      byName.type,
      'const X: (figure: PlotlyFigure, options?: RenderFigureOptions) => Buffer',
    );
    assert.match(relative.diagnostics.join(' '), /Cannot find module '\.\.\/lib'/);
    assert.equal(relative.type, 'const X: any');
  });
});

// ---------------------------------------------------------------------------------------------
// Execution through the kernel: one run per notebook, shared by the checks below.

const python = jupyter.findPython();
const tutorialNotebooks = fs.existsSync(path.join(ROOT, 'notebooks'))
  ? fs
      .readdirSync(path.join(ROOT, 'notebooks'))
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => path.join(ROOT, 'notebooks', f))
  : [];
const executed = new Map<string, { result: jupyter.ExecuteResult; nb?: Notebook; html: string }>();

function run(file: string): { result: jupyter.ExecuteResult; nb?: Notebook; html: string } {
  const name = path.basename(file, '.ipynb');
  const hit = executed.get(name);
  if (hit) return hit;
  assert.ok(
    python.python,
    `no Python with Jupyter (tried ${python.tried.map((t) => `${t.python}: ${t.error}`).join('; ')}): run npm run setup ` +
      '(or apt-get install python3-nbclient python3-nbconvert)',
  );
  fs.mkdirSync(OUT, { recursive: true });
  const out = path.join(OUT, `${name}.ipynb`);
  const html = path.join(OUT, `${name}.html`);
  const result = jupyter.executeNotebook(file, {
    out,
    html,
    python: python.python,
    timeout: 900,
    env: { BREAST_DENSITY_TUTORIAL: '1' },
  });
  const nb = fs.existsSync(out)
    ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook)
    : undefined;
  const entry = { result, nb, html };
  executed.set(name, entry);
  return entry;
}

function assertRanCleanly(file: string): Notebook {
  const { result, nb } = run(file);
  const rel = path.relative(ROOT, file);
  assert.ok(
    result.ok,
    `${rel}: ${result.cell ? `code cell ${result.cell}` : 'kernel'} failed: ${result.error}\n${result.source ?? ''}\n${result.stderr}`,
  );
  assert.ok(nb, `${rel}: no executed copy written`);
  codeCells(nb).forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      assert.notEqual(o.output_type, 'error', `${rel} code cell ${i + 1}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === 'stream' && o.name === 'stderr')
        assert.doesNotMatch(
          joinText(o.text),
          ERROR_TEXT,
          `${rel} code cell ${i + 1} wrote an error on stderr`,
        );
    }
  });
  // The first code cell shows the environment (versions, the engine — ONNX Runtime by default — and
  // the TF.js backend).
  const first = (codeCells(nb)[0]?.outputs ?? [])
    .map(
      (o) =>
        joinText(o.text) + String((o.data?.['text/plain'] as string[] | string | undefined) ?? ''),
    )
    .join('');
  for (const word of [
    'tslab',
    'TypeScript',
    'Node.js',
    'TensorFlow.js',
    'backend',
    'engine',
    'ONNX Runtime',
  ])
    assert.ok(
      first.includes(word),
      `${rel}: the first code cell must print the environment (missing "${word}")`,
    );
  return nb;
}

/** Expected outputs per tutorial notebook (beyond running cleanly). */
const EXPECT: Record<string, (nb: Notebook, rel: string) => void> = {
  FigureMerit(nb, rel) {
    const figures = mimeOutputs(nb, PLOTLY_MIME);
    assert.ok(figures.length >= 1, `${rel}: no plotly figure`);
    assert.ok(
      figures.some((o) =>
        ((o.data?.[PLOTLY_MIME] as { data: { type: string }[] }).data ?? []).some(
          (t) => t.type === 'heatmap',
        ),
      ),
      `${rel}: no confusion-matrix heatmap`,
    );
    assert.ok(
      mimeOutputs(nb, 'text/html').some((o) =>
        joinText(o.data?.['text/html'] as string[]).includes('<table'),
      ),
      `${rel}: no table`,
    );
  },
  ClassActivationMaps(nb, rel) {
    assert.ok(mimeOutputs(nb, 'image/png').length >= 1, `${rel}: no map image`);
  },
  Test(nb, rel) {
    assert.ok(allOutputs(nb).length >= 2, `${rel}: expected outputs beyond the environment cell`);
  },
  Train(nb, rel) {
    assert.ok(allOutputs(nb).length >= 2, `${rel}: expected outputs beyond the environment cell`);
  },
};

describe('notebooks run through the tslab kernel', () => {
  test('smoke notebook: typed imports by package name and ../../../lib, table, plotly bundle, PNG, progress, top-level await', () => {
    const nb = assertRanCleanly(SMOKE);
    const cells = codeCells(nb);
    // Table (HTML + text/plain) from the model cell.
    const table = cells[1].outputs?.find((o) => o.data?.['text/html']);
    assert.match(
      joinText(table?.data?.['text/html'] as string[]),
      /<table class="breast-density-table">.*<td[^>]*>A<\/td>/s,
    );
    assert.match(joinText(table?.data?.['text/plain'] as string[]), /^class\s+probability$/m);
    // One display message with the plotly JSON object, the HTML and the PNG.
    const fig = cells[2].outputs?.find((o) => o.data?.[PLOTLY_MIME]);
    assert.ok(fig?.data, 'plotly display present');
    const figure = fig.data[PLOTLY_MIME] as { data: { type: string; z: number[][] }[] };
    assert.equal(typeof figure, 'object');
    assert.equal(figure.data[0].type, 'heatmap');
    assert.deepEqual(figure.data[0].z, [
      [2, 1, 0, 0],
      [0, 3, 0, 0],
      [0, 0, 2, 1],
      [0, 0, 1, 2],
    ]);
    assert.ok(joinText(fig.data['text/html'] as string[]).includes('window.Plotly'));
    const png = decodePng(
      Buffer.from(joinText(fig.data['image/png'] as string), 'base64'),
      'figure png',
    );
    assert.deepEqual([png.width, png.height], [460, 420]);
    // displayPng.
    const ramp = cells[3].outputs?.find((o) => o.data?.['image/png']);
    const rampPng = decodePng(
      Buffer.from(joinText(ramp?.data?.['image/png'] as string), 'base64'),
      'ramp',
    );
    assert.deepEqual([rampPng.width, rampPng.height, rampPng.data[63]], [64, 64, 252]);
    // Progress: one display, updated in place to the final state.
    const progress = (cells[4].outputs ?? []).filter((o) => o.output_type === 'display_data');
    assert.equal(progress.length, 1);
    assert.match(
      joinText(progress[0].data?.['text/plain'] as string[]),
      /^smoke 5\/5 \(.*done\) step 5$/,
    );
    assert.equal(joinText(cells[5].outputs?.[0]?.text), 'true 4 classes: A B C D\n');
  });

  for (const file of tutorialNotebooks) {
    const name = path.basename(file, '.ipynb');
    test(`notebooks/${name}.ipynb runs without errors and shows its results`, () => {
      const nb = assertRanCleanly(file);
      EXPECT[name]?.(nb, `notebooks/${name}.ipynb`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Light notebooks whose figures stay interactive: plotly.js travels once, in the set-up cell.

/** Outputs whose HTML carries the plotly.js bundle (its header comment). */
const PLOTLY_HEADER = /\* plotly\.js v\d+\.\d+\.\d+/;
const htmlOf = (o: Output): string => joinText(o.data?.['text/html'] as string[] | undefined);

/**
 * The checks on one executed notebook: under 8 MB (plotly.js is 5 MB of it; the
 * ClassActivationMaps montages of 650×650 phantoms add about 2.2 MB of PNG, whose noise-like
 * texture hardly compresses; a second copy of plotly.js would exceed it); plotly.js exactly once, in the first code
 * cell's output (the set-up cell's initFigures, sent every time that cell runs); no figure
 * output carries it, so re-running any figure cell (which sends the same kind of output) can
 * never drop it, and every figure finds `window.Plotly` after reopening.
 */
function assertLightWithInteractiveFigures(nb: Notebook, file: string, rel: string): void {
  const mb = fs.statSync(file).size / 1e6;
  assert.ok(mb < 8, `${rel}: executed notebook is ${mb.toFixed(2)} MB (limit 8 MB)`);
  const cells = codeCells(nb);
  const carriers = cells.flatMap((c, i) =>
    (c.outputs ?? []).filter((o) => PLOTLY_HEADER.test(htmlOf(o))).map(() => i),
  );
  const figures = mimeOutputs(nb, PLOTLY_MIME);
  if (figures.length === 0) return;
  assert.deepEqual(carriers, [0], `${rel}: plotly.js only in the set-up cell's output`);
  for (const f of figures) {
    const html = htmlOf(f);
    assert.ok(html.length < 500_000, `${rel}: a figure output carries ${html.length} B of HTML`);
    assert.match(
      html,
      /window\.Plotly\.newPlot/,
      `${rel}: the figure draws with the page's plotly.js`,
    );
  }
}

describe('executed notebooks are light and keep interactive figures', () => {
  for (const file of [...tutorialNotebooks, SMOKE]) {
    const name = path.basename(file, '.ipynb');
    test(`${name}: under 8 MB, plotly.js only in the set-up cell, figures without it`, () => {
      const nb = assertRanCleanly(file);
      assertLightWithInteractiveFigures(nb, path.join(OUT, `${name}.ipynb`), `${name}.ipynb`);
    });
  }

  test('PNG-only mode (BREAST_DENSITY_FIGURES=png): figures as PNG, no plotly.js, a small notebook', () => {
    assert.ok(python.python, 'no Python with Jupyter: run npm run setup');
    fs.mkdirSync(OUT, { recursive: true });
    const out = path.join(OUT, 'Smoke-png.ipynb');
    const result = jupyter.executeNotebook(SMOKE, {
      out,
      python: python.python,
      timeout: 300,
      env: { BREAST_DENSITY_TUTORIAL: '1', BREAST_DENSITY_FIGURES: 'png' },
    });
    assert.ok(result.ok, `${result.error}\n${result.stderr}`);
    const nb = JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook;
    assert.equal(mimeOutputs(nb, PLOTLY_MIME).length, 0);
    assert.ok(!allOutputs(nb).some((o) => PLOTLY_HEADER.test(htmlOf(o))), 'no plotly.js');
    const fig = codeCells(nb)[2].outputs?.find((o) => o.data?.['image/png']);
    assert.deepEqual(Object.keys(fig?.data ?? {}).sort(), ['image/png', 'text/plain']);
    assert.ok(fs.statSync(out).size < 300_000, `${fs.statSync(out).size} B`);
  });
});

// ---------------------------------------------------------------------------------------------
// The exported HTML in a real browser.

function findChromium(): string | undefined {
  for (const c of [process.env.CHROME_PATH, 'chromium', 'chromium-browser', 'google-chrome'].filter(
    Boolean,
  ) as string[]) {
    const r = spawnSync('sh', ['-c', `command -v "${c}"`], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  return undefined;
}

function chromium(args: string[]): { stdout: string; status: number | null; stderr: string } {
  const exe = findChromium();
  assert.ok(exe, 'Chromium not found: apt-get install chromium (or set CHROME_PATH)');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-chromium-'));
  try {
    const r = spawnSync(
      exe,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=20000',
        ...args,
      ],
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 240_000 },
    );
    return { stdout: r.stdout ?? '', status: r.status, stderr: r.stderr ?? '' };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Page height (px) for a full-page screenshot of an exported notebook, estimated from its cells:
 * source lines, text lines and the size of each image (a PNG's header, or the plotly layout).
 */
function pageHeight(nb: Notebook): number {
  let h = 200;
  for (const c of nb.cells) {
    const text = Array.isArray(c.source) ? c.source.join('') : c.source;
    h += 40 + text.split('\n').length * (c.cell_type === 'code' ? 18 : 26);
    for (const o of c.outputs ?? []) {
      const fig = o.data?.[PLOTLY_MIME] as { layout?: { height?: number } } | undefined;
      const png = o.data?.['image/png'];
      if (fig) h += (fig.layout?.height ?? 450) + 60;
      else if (png) h += Buffer.from(joinText(png as string), 'base64').readUInt32BE(20) + 20;
      else if (o.data?.['text/html'])
        h += joinText(o.data['text/html'] as string[]).split('<tr').length * 36 + 20;
      else h += joinText(o.text).split('\n').length * 18 + 10;
    }
  }
  return Math.min(16000, Math.max(1200, Math.round(h)));
}

describe('exported HTML in headless Chromium', () => {
  // FigureMerit (confusion matrices) when it exists, else the smoke notebook; plus the
  // Grad-CAM notebook's screenshot when it exists.
  const figureMerit = tutorialNotebooks.find((f) => path.basename(f) === 'FigureMerit.ipynb');
  const target = figureMerit ?? SMOKE;
  const name = path.basename(target, '.ipynb');

  test(`${name}: plotly draws every heatmap (SVG with the heatmap cells); screenshot saved`, () => {
    const { result, nb, html } = run(target);
    assert.ok(
      result.ok && nb && fs.existsSync(html),
      `${name} must execute first: ${result.error}`,
    );
    const heatmaps = mimeOutputs(nb, PLOTLY_MIME).flatMap((o) =>
      (
        o.data?.[PLOTLY_MIME] as {
          data: {
            type: string;
            z?: number[][];
            colorscale?: string;
            reversescale?: boolean;
            zmin?: number;
            zmax?: number;
          }[];
        }
      ).data.filter((t) => t.type === 'heatmap'),
    );
    assert.ok(heatmaps.length >= 1, 'the notebook shows at least one heatmap');
    const page = fs.readFileSync(html, 'utf8');
    assert.doesNotMatch(
      page,
      /file:\/\/\/usr\/share\/javascript/,
      'portable MathJax/RequireJS URLs',
    );
    assert.match(page, /<script[^>]+src="https:[^"]*MathJax\.js/);
    const dom = chromium(['--dump-dom', `file://${html}`]);
    assert.equal(dom.status, 0, dom.stderr.split('\n').slice(-3).join('\n'));
    assert.ok(
      (dom.stdout.match(/class="main-svg"/g) ?? []).length >= heatmaps.length,
      'one plotly SVG per figure',
    );
    // plotly draws a heatmap as one raster <image> (one pixel per cell) inside <g class="hm">.
    const images = [
      ...dom.stdout.matchAll(/<g class="hm"><image [^>]*href="data:image\/png;base64,([^"]+)"/g),
    ].map((m) => decodePng(Buffer.from(m[1], 'base64'), 'heatmap image'));
    assert.equal(images.length, heatmaps.length, 'every heatmap trace was drawn');
    heatmaps.forEach((t, k) => {
      const z = t.z ?? [];
      assert.deepEqual(
        [images[k].width, images[k].height],
        [z[0]?.length, z.length],
        `heatmap ${k} has one pixel per cell`,
      );
    });
    if (target === SMOKE) {
      // Exact colours of the smoke matrix (Blues reversed, zmin 0, zmax 3); rows top to bottom
      // because the y axis is reversed, as in the notebook's figure.
      const stops = resolveColorscale('Blues', true);
      const z = heatmaps[0].z ?? [];
      const img = images[0];
      for (let r = 0; r < z.length; r++)
        for (let c = 0; c < z[0].length; c++) {
          const i = (r * img.width + c) * img.channels;
          const want = colorAt(stops, z[r][c] / 3);
          for (let ch = 0; ch < 3; ch++)
            assert.ok(
              Math.abs(img.data[i + ch] - want[ch]) <= 2,
              `cell (${r}, ${c}) channel ${ch}: ${img.data[i + ch]} vs ${want[ch]}`,
            );
        }
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = path.join(SCREENSHOTS, `${name}.png`);
    fs.rmSync(shot, { force: true });
    const height = pageHeight(nb);
    const r = chromium([
      '--hide-scrollbars',
      `--window-size=1200,${height}`,
      `--screenshot=${shot}`,
      `file://${html}`,
    ]);
    assert.equal(r.status, 0, r.stderr.split('\n').slice(-3).join('\n'));
    const png = decodePng(fs.readFileSync(shot), shot);
    assert.deepEqual([png.width, png.height], [1200, height]);
  });

  const train = tutorialNotebooks.find((f) => path.basename(f) === 'Train.ipynb');
  test(
    'Train: figures wider than the window shrink to fit it (responsive plotly, 700 px window)',
    { skip: train ? false : 'notebooks/Train.ipynb not present' },
    () => {
      const { result, nb, html } = run(train as string);
      assert.ok(
        result.ok && nb && fs.existsSync(html),
        `Train must execute first: ${result.error}`,
      );
      const widths = mimeOutputs(nb, PLOTLY_MIME).map(
        (o) => (o.data?.[PLOTLY_MIME] as { layout?: { width?: number } }).layout?.width ?? 700,
      );
      assert.ok(
        widths.some((w) => w > 700),
        `a figure wider than the window: ${widths.join(', ')}`,
      );
      const dom = chromium(['--window-size=700,3000', '--dump-dom', `file://${html}`]);
      const drawn = [...dom.stdout.matchAll(/<svg class="main-svg"[^>]*\swidth="([\d.]+)"/g)].map(
        (m) => Number(m[1]),
      );
      assert.ok(drawn.length >= widths.length, `plotly drew the figures (${drawn.length} SVGs)`);
      assert.ok(
        drawn.every((w) => w <= 700),
        `every figure fits a 700 px window: ${[...new Set(drawn)].join(', ')} px`,
      );
    },
  );

  const cam = tutorialNotebooks.find((f) => path.basename(f) === 'ClassActivationMaps.ipynb');
  test(
    'ClassActivationMaps: screenshot of the exported maps',
    { skip: cam ? false : 'notebooks/ClassActivationMaps.ipynb not present yet' },
    () => {
      const { result, nb, html } = run(cam as string);
      assert.ok(
        result.ok && nb && fs.existsSync(html),
        `ClassActivationMaps must execute first: ${result.error}`,
      );
      const dom = chromium(['--dump-dom', `file://${html}`]);
      assert.ok(
        (dom.stdout.match(/<img[^>]+src="data:image\/png;base64,/g) ?? []).length >= 1,
        'map images in the page',
      );
      fs.mkdirSync(SCREENSHOTS, { recursive: true });
      const shot = path.join(SCREENSHOTS, 'ClassActivationMaps.png');
      const r = chromium([
        '--hide-scrollbars',
        `--window-size=1200,${pageHeight(nb)}`,
        `--screenshot=${shot}`,
        `file://${html}`,
      ]);
      assert.equal(r.status, 0);
      assert.equal(decodePng(fs.readFileSync(shot), shot).width, 1200);
    },
  );
});
