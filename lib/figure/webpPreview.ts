/**
 * A lossy WebP copy of a PNG, for the picture an HTML figure shows until plotly.js draws (less
 * than half the bytes of the PNG, which the notebook keeps as its own `image/png` output).
 * @param png PNG file bytes (e.g. from {@link renderFigurePng}).
 * @param quality WebP quality 1..100 (default 90).
 * @returns `{mime, bytes}`: `image/webp`, or the PNG itself (`image/png`) when the encoder
 *   cannot make a smaller file.
 */
export function webpPreview(
  png: Uint8Array,
  quality = 90,
): { mime: 'image/webp' | 'image/png'; bytes: Uint8Array } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Image, createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  const img = new Image();
  img.src = Buffer.from(png);
  const canvas = createCanvas(img.width, img.height);
  canvas.getContext('2d').drawImage(img, 0, 0);
  const webp = canvas.encodeSync('webp', quality);
  return webp.length < png.length
    ? { mime: 'image/webp', bytes: webp }
    : { mime: 'image/png', bytes: png };
}
