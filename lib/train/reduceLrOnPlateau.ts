/**
 * Keras 2.2.4 `ReduceLROnPlateau`, as the original training used it on `val_loss`
 * (factor 0.1, patience 15, min_lr 0.001), as a small state machine whose state is saved in
 * checkpoints so that `--resume` continues the schedule exactly.
 *
 * Rule (Keras `callbacks.ReduceLROnPlateau.on_epoch_end`, mode `min`): an epoch improves when
 * `value < best − minDelta`; then `best = value` and the wait counter resets. Otherwise (outside
 * a cooldown) the counter grows, and when it reaches `patience` the learning rate becomes
 * `max(lr · factor, minLr)` if `lr > minLr`, the counter resets and a cooldown of `cooldown`
 * epochs starts (during which the counter stays 0).
 */

/** Options (Keras argument names in camelCase). */
export interface ReduceLrOnPlateauOptions {
  /** Multiplier applied to the learning rate on a plateau, in (0, 1). Keras/original: 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Original: 15 (Keras default 10). */
  patience?: number;
  /** Lower bound of the learning rate. Original: 0.001 (Keras default 0). */
  minLr?: number;
  /** Minimum decrease counted as an improvement. Keras 2.2.4 default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Keras default 0. */
  cooldown?: number;
}

/** The original run's settings. */
export const ORIGINAL_LR_SCHEDULE: Readonly<Required<ReduceLrOnPlateauOptions>> = Object.freeze({
  factor: 0.1,
  patience: 15,
  minLr: 0.001,
  minDelta: 1e-4,
  cooldown: 0,
});

/** Serializable state of the schedule (JSON-safe: `best` is `null` before the first epoch). */
export interface ReduceLrOnPlateauState {
  best: number | null;
  wait: number;
  cooldownCounter: number;
}

/** Result of one epoch's update. */
export interface LrDecision {
  /** Learning rate for the next epoch. */
  lr: number;
  /** Whether it was reduced at this epoch. */
  reduced: boolean;
}

/** A running schedule. */
export interface ReduceLrOnPlateau {
  /** The settings in use (defaults filled in). */
  readonly options: Readonly<Required<ReduceLrOnPlateauOptions>>;
  /**
   * Feed the monitored value (val_loss) at the end of an epoch and the current learning rate.
   * A NaN value counts as no improvement.
   */
  onEpochEnd(value: number, lr: number): LrDecision;
  /** Current state, for checkpoints. */
  state(): ReduceLrOnPlateauState;
  /** Restore a saved state. */
  restore(state: ReduceLrOnPlateauState): void;
}

/**
 * Create the schedule.
 * @param options Factor, patience, min_lr, min_delta, cooldown; defaults: {@link ORIGINAL_LR_SCHEDULE}.
 * @throws Error when a setting is out of range (factor not in (0, 1), negative patience…).
 */
export function createReduceLrOnPlateau(options: ReduceLrOnPlateauOptions = {}): ReduceLrOnPlateau {
  const o: Required<ReduceLrOnPlateauOptions> = { ...ORIGINAL_LR_SCHEDULE, ...options };
  if (!(o.factor > 0 && o.factor < 1)) {
    throw new Error(`ReduceLROnPlateau: factor must be in (0, 1), got ${o.factor}`);
  }
  for (const [k, v] of [
    ['patience', o.patience],
    ['cooldown', o.cooldown],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new Error(`ReduceLROnPlateau: ${k} must be a whole number ≥ 0, got ${v}`);
    }
  }
  if (!(o.minLr >= 0) || !(o.minDelta >= 0)) {
    throw new Error(
      `ReduceLROnPlateau: minLr and minDelta must be ≥ 0, got ${o.minLr}, ${o.minDelta}`,
    );
  }
  let best = Infinity;
  let wait = 0;
  let cooldownCounter = 0;
  return {
    options: Object.freeze(o),
    onEpochEnd(value, lr) {
      let newLr = lr;
      let reduced = false;
      if (cooldownCounter > 0) {
        cooldownCounter--;
        wait = 0;
      }
      if (value < best - o.minDelta) {
        best = value;
        wait = 0;
      } else if (cooldownCounter <= 0) {
        wait++;
        if (wait >= o.patience) {
          if (lr > o.minLr) {
            newLr = Math.max(lr * o.factor, o.minLr);
            reduced = true;
            cooldownCounter = o.cooldown;
            wait = 0;
          }
        }
      }
      return { lr: newLr, reduced };
    },
    state: () => ({ best: Number.isFinite(best) ? best : null, wait, cooldownCounter }),
    restore(s) {
      best = s.best === null ? Infinity : s.best;
      wait = s.wait;
      cooldownCounter = s.cooldownCounter;
    },
  };
}
