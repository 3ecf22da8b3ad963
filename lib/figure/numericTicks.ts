/** One tick of an axis: its value and its label. */
export interface Tick {
  value: number;
  label: string;
}

function niceStep(span: number, count: number): number {
  const raw = Math.abs(span) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/**
 * Ticks of a linear axis at a "nice" step (1, 2 or 5 × 10ⁿ), labels with the step's decimals.
 * @param r0 @param r1 The axis range, in either order.
 * @param count About how many ticks are wanted (≥ 1).
 * @returns Ticks inside [min, max], ascending.
 */
export function numericTicks(r0: number, r1: number, count: number): Tick[] {
  const lo = Math.min(r0, r1);
  const hi = Math.max(r0, r1);
  const step = niceStep(hi - lo, count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out: Tick[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    const value = Number(v.toFixed(decimals + 2));
    out.push({ value, label: (Object.is(value, -0) ? 0 : value).toFixed(decimals) });
  }
  return out;
}
