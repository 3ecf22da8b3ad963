/**
 * Exact `%.18e` formatting, as numpy's `savetxt(fmt='%.18e')` writes: 19 significant digits,
 * correctly rounded from the exact binary value (round half to even), and an exponent of at
 * least two digits (`3.837991058826446533e-01`; JavaScript's `toExponential` would write `e-1`).
 */

const TEN = BigInt(10);

/** Exact value of a positive finite double as numerator / denominator (BigInt). */
function exactRational(a: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << BigInt(32)) | BigInt(lo);
  let exp2: number;
  if (biased === 0) {
    exp2 = -1074; // subnormal
  } else {
    mantissa |= BigInt(1) << BigInt(52);
    exp2 = biased - 1075;
  }
  return exp2 >= 0 ? [mantissa << BigInt(exp2), BigInt(1)] : [mantissa, BigInt(1) << BigInt(-exp2)];
}

/** round(num / den) with ties to even, num, den > 0. */
function roundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num - q * den) * BigInt(2);
  if (r2 > den || (r2 === den && q % BigInt(2) === BigInt(1))) return q + BigInt(1);
  return q;
}

/**
 * Format a number like C's `printf("%.Ne")` (default N = 18, numpy's `%.18e`).
 * @param x Any number; NaN and ±Infinity give `nan`, `inf`, `-inf` like numpy.
 * @param fractionDigits Digits after the point, 0–40.
 * @returns e.g. `1.000000000000000000e+00`, `-2.500000000000000000e-07`.
 */
export function formatNumpyExponent(x: number, fractionDigits = 18): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a === 0) return `${sign}0.${'0'.repeat(fractionDigits)}e+00`;
  const [num, den] = exactRational(a);
  const lowest = TEN ** BigInt(fractionDigits);
  const highest = lowest * TEN;
  let e10 = Number(a.toExponential().split('e')[1]);
  let digits = BigInt(0);
  for (let tries = 0; tries < 4; tries++) {
    const shift = fractionDigits - e10;
    digits =
      shift >= 0
        ? roundHalfEven(num * TEN ** BigInt(shift), den)
        : roundHalfEven(num, den * TEN ** BigInt(-shift));
    if (digits >= highest) e10 += 1;
    else if (digits < lowest) e10 -= 1;
    else break;
  }
  const s = digits.toString();
  const mantissa = fractionDigits > 0 ? `${s[0]}.${s.slice(1)}` : s;
  const expAbs = Math.abs(e10);
  return `${sign}${mantissa}e${e10 < 0 ? '-' : '+'}${expAbs < 10 ? '0' : ''}${expAbs}`;
}
