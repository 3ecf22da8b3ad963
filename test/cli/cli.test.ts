import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli';
import { CLI_COMMANDS } from '../../lib/cli/cliCommands';
import { createProgram } from '../../lib/cli/main';

test('summary --size 650 --json: totals, add_12 shape, layer fields', () => {
  const r = runCli(['summary', '--size', '650', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.total_params, 2_262_660);
  assert.equal(s.trainable_params, 2_249_988);
  assert.equal(s.non_trainable_params, 12_672);
  const add12 = s.layers.find((l: { name: string }) => l.name === 'add_12');
  assert.deepEqual(add12, {
    name: 'add_12',
    class: 'Add',
    output_shape: [null, 21, 21, 256],
    params: 0,
    inbound: ['leaky_re_lu_34', 'batch_normalization_41'],
  });
  assert.equal(s.layers.length, 136);
});

test('summary prints the Keras-style table', () => {
  const r = runCli(['summary', '--size', '64']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^add_12 \(Add\) +\(None, 2, 2, 256\) +0 +leaky_re_lu_34\[0\]\[0\]$/m);
  assert.match(r.stdout, /Non-trainable params: 12,672/);
});

const exitCases: { args: string[]; code: number; stderr?: RegExp; stdout?: RegExp }[] = [
  { args: ['--help'], code: 0, stdout: /Usage: breast-density/ },
  { args: ['summary', '--help'], code: 0, stdout: /--size <N\|WxH>/ },
  { args: ['info', '--help'], code: 0, stdout: /<modelDir>/ },
  { args: ['help', 'train'], code: 0, stdout: /--resume/ },
  { args: ['frobnicate'], code: 1, stderr: /unknown command 'frobnicate'/ },
  { args: ['sumary'], code: 1, stderr: /Did you mean summary\?/ },
  { args: ['summary', '--size', '10'], code: 1, stderr: /--size: expected N or WxH/ },
  { args: ['summary', '--bogus'], code: 1, stderr: /unknown option '--bogus'/ },
  { args: ['info'], code: 1, stderr: /missing required argument 'modelDir'/ },
  {
    args: ['info', '/nonexistent/model'],
    code: 2,
    stderr: /^breast-density: \/nonexistent\/model: model directory does not exist\n$/m,
  },
];
for (const c of exitCases) {
  test(`exit code ${c.code}: breast-density ${c.args.join(' ')}`, () => {
    const r = runCli(c.args);
    assert.equal(r.code, c.code, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    if (c.stdout) assert.match(r.stdout, c.stdout);
  });
}

test('--help lists every command in workflow order without loading any', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0, r.stderr);
  const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+)(?: [<[]\w+[>\]])? {2,}/gm)].map((m) => m[1]);
  assert.deepEqual(listed, [...CLI_COMMANDS.map((c) => c.name), 'help']);
  assert.doesNotMatch(r.stderr, /TensorFlow\.js/, 'no backend started for --help');
});

for (const entry of CLI_COMMANDS) {
  test(`command table entry "${entry.name}" loads the command of that name`, () => {
    const program = createProgram([entry.name]);
    const names = program.commands.map((c) => c.name());
    assert.deepEqual(
      names,
      CLI_COMMANDS.map((c) => c.name),
    );
    const cmd = program.commands.find((c) => c.name() === entry.name)!;
    // Loaded: the full definition has its options (every command has at least one) and the
    // arguments the table lists.
    assert.ok(cmd.options.length > 0, `${entry.name}: no options, so the module was not loaded`);
    assert.equal(cmd.registeredArguments.map((a) => `<${a.name()}>`).join(' '), entry.args);
  });
}
