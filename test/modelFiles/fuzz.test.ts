/**
 * Property-based fuzzing (fast-check, bounded runs) of the parsers this project writes itself
 * that are owned by the foundation: model metadata and CLI option values. Other parsers
 * (prediction and labels files) are fuzzed beside their own tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseModelMetadata, createModelMetadata } from '../../lib/modelFiles/modelMetadata';
import { parseIntOption, parseSizeOption } from '../../lib/cli/options';
import { InputError, UsageError } from '../../lib/errors';

const RUNS = { numRuns: 300, seed: 20261129 };

test('parseModelMetadata: any JSON value is either accepted as valid metadata or refused with InputError naming the file', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      try {
        const m = parseModelMetadata(value, 'x/model.json');
        assert.equal(m.format, 'breast-density-model');
      } catch (err) {
        assert.ok(err instanceof InputError, `unexpected ${err}`);
        assert.match(err.message, /^x\/model\.json: model metadata /);
      }
    }),
    RUNS,
  );
});

test('parseModelMetadata: valid metadata with one field replaced by junk is refused, naming the field', () => {
  const fields = [
    'format',
    'version',
    'inputSize',
    'classNames',
    'projection',
    'preprocessing',
    'provenance',
  ] as const;
  const junk = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.integer({ min: -5, max: 20 }), { maxLength: 3 }),
    fc.object(),
  );
  fc.assert(
    fc.property(fc.constantFrom(...fields), junk, (field, value) => {
      const meta = createModelMetadata(
        [64, 64],
        { createdBy: 'init' },
        'CC_R',
      ) as unknown as Record<string, unknown>;
      const bad = { ...meta, [field]: value };
      let accepted = false;
      try {
        parseModelMetadata(bad, 'm.json');
        accepted = true;
      } catch (err) {
        assert.ok(err instanceof InputError);
        assert.ok(err.message.includes(field), `${err.message} should name ${field}`);
      }
      if (accepted) {
        // Only values that are themselves valid may pass (e.g. projection null).
        assert.ok(
          field === 'projection' && value === null,
          `junk ${JSON.stringify(value)} accepted for ${field}`,
        );
      }
    }),
    RUNS,
  );
});

test('parseIntOption: accepts exactly the whole numbers in range, refuses the rest with the value quoted', () => {
  const parse = parseIntOption('--batch', 1, 64);
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: -100, max: 200 }).map(String), fc.string()), (text) => {
      const n = Number(text);
      const valid = /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(n) && n >= 1 && n <= 64;
      if (valid) assert.equal(parse(text), n);
      else
        assert.throws(
          () => parse(text),
          (e: unknown) => e instanceof UsageError && e.message.includes(`"${text}"`),
        );
    }),
    RUNS,
  );
});

test('parseSizeOption: N and WxH give [height, width]; anything else is a usage error', () => {
  const parse = parseSizeOption('--size');
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }),
      fc.option(fc.integer({ min: 0, max: 5000 })),
      (w, h) => {
        const text = h === null ? String(w) : `${w}x${h}`;
        const hh = h ?? w;
        if (w >= 32 && hh >= 32 && w <= 4096 && hh <= 4096) assert.deepEqual(parse(text), [hh, w]);
        else assert.throws(() => parse(text), UsageError);
      },
    ),
    RUNS,
  );
  fc.assert(
    fc.property(
      fc.string().filter((s) => !/^\s*\d+(x\d+)?\s*$/i.test(s)),
      (text) => {
        assert.throws(() => parse(text), UsageError);
      },
    ),
    RUNS,
  );
});
