/**
 * Parsers for command-line option values, shared by the commands. Each throws a
 * {@link UsageError} naming the option and the value it got.
 */
import { UsageError } from '../errors';

/**
 * Parse a whole number within bounds.
 * @param name Option name for the message, e.g. `--size`.
 */
export function parseIntOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(
        `${name}: expected a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return n;
  };
}

/**
 * Parse a `WxH` or `N` size into `[height, width]`.
 * @param name Option name for the message.
 */
export function parseSizeOption(name: string, min = 32, max = 4096) {
  return (value: string): [number, number] => {
    const m = /^(\d+)(?:x(\d+))?$/i.exec(value.trim());
    const w = m ? Number(m[1]) : NaN;
    const h = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || w < min || h < min || w > max || h > max) {
      throw new UsageError(
        `${name}: expected N or WxH with sides from ${min} to ${max}, got "${value}"`,
      );
    }
    return [h, w];
  };
}

/**
 * Parse one of a fixed list of values — the one choice parser of the commands (`--projection`,
 * `--method`, `--class`…). Matching is case-insensitive and ignores surrounding spaces; the value
 * returned is the canonical spelling from `choices` (`cc_r` → `CC_R`, `GradCAM` → `gradcam`).
 * @param name Option name for the message, e.g. `--projection`.
 * @param choices Allowed values in their canonical spelling (no two equal ignoring case).
 * @returns A commander argument parser throwing `--name: expected one of a, b, got "x"`.
 */
export function parseChoiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    const v = value.trim().toLowerCase();
    const found = choices.find((c) => c.toLowerCase() === v);
    if (found === undefined) {
      throw new UsageError(`${name}: expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return found;
  };
}

/**
 * Parse a comma-separated list of choices (`--projections CC_R,mlo_r`), each matched as
 * {@link parseChoiceOption} does; duplicates are dropped, the order of `choices` is kept.
 * @param name Option name for the message.
 * @param choices Allowed values in their canonical spelling.
 * @returns A commander argument parser giving a non-empty array in the order of `choices`.
 */
export function parseChoiceListOption<T extends string>(name: string, choices: readonly T[]) {
  const one = parseChoiceOption(name, choices);
  return (value: string): T[] => {
    const parts = value.split(',').filter((p) => p.trim() !== '');
    if (parts.length === 0) {
      throw new UsageError(
        `${name}: expected a comma-separated list of ${choices.join(', ')}, got "${value}"`,
      );
    }
    const picked = new Set(parts.map(one));
    return choices.filter((c) => picked.has(c));
  };
}

/**
 * Parse a comma-separated list of names (`--subject-ids ph0001,ph0002`): trimmed, empty items
 * and duplicates dropped, order kept.
 * @param name Option name for the message.
 * @returns A commander argument parser giving a non-empty array.
 */
export function parseListOption(name: string) {
  return (value: string): string[] => {
    const parts = [
      ...new Set(
        value
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      ),
    ];
    if (parts.length === 0) {
      throw new UsageError(`${name}: expected a comma-separated list, got "${value}"`);
    }
    return parts;
  };
}
