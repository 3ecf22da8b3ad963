import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePng, encodePng, type Raster } from '../../lib/io/png';
import { InputError } from '../../lib/errors';

const cases: { channels: Raster['channels']; bitDepth: Raster['bitDepth'] }[] = [
  { channels: 1, bitDepth: 8 },
  { channels: 1, bitDepth: 16 },
  { channels: 2, bitDepth: 8 },
  { channels: 3, bitDepth: 8 },
  { channels: 3, bitDepth: 16 },
  { channels: 4, bitDepth: 8 },
];
for (const c of cases) {
  test(`PNG round trip keeps samples: ${c.channels} channel(s), ${c.bitDepth} bits`, () => {
    const width = 7;
    const height = 3;
    const n = width * height * c.channels;
    const data =
      c.bitDepth === 16
        ? Uint16Array.from({ length: n }, (_, i) => (i * 4099 + 1) % 65536)
        : Uint8Array.from({ length: n }, (_, i) => (i * 37 + 5) % 256);
    const back = decodePng(
      encodePng({ width, height, channels: c.channels, bitDepth: c.bitDepth, data }),
    );
    assert.equal(back.width, width);
    assert.equal(back.height, height);
    assert.equal(back.channels, c.channels);
    assert.equal(back.bitDepth, c.bitDepth);
    assert.deepEqual(Array.from(back.data), Array.from(data));
  });
}

const bad: { name: string; bytes: Uint8Array; message: RegExp }[] = [
  { name: 'empty', bytes: new Uint8Array(0), message: /x\.png: empty file \(0 bytes\)/ },
  {
    name: 'not a PNG',
    bytes: new TextEncoder().encode('GIF89a....'),
    message: /x\.png: not a PNG file/,
  },
  {
    name: 'truncated',
    bytes: encodePng({
      width: 8,
      height: 8,
      channels: 1,
      bitDepth: 8,
      data: new Uint8Array(64).fill(9),
    }).subarray(0, 40),
    message: /x\.png: unreadable PNG/,
  },
];
for (const b of bad) {
  test(`decodePng refuses ${b.name} with the file named`, () => {
    assert.throws(
      () => decodePng(b.bytes, 'x.png'),
      (err: unknown) => err instanceof InputError && b.message.test(err.message),
    );
  });
}
