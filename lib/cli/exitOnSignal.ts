/**
 * SIGINT/SIGTERM for the CLI: remove what the interrupted command was writing (staging folders,
 * temporaries, an `--out` folder it created; see `lib/io/failureCleanup.ts`) and end with the
 * shell's status for the signal (130, 143). A command that handles the signals itself (train
 * writes a checkpoint first) raises `failureCleanup.signalsHandledByCommand`, and this handler
 * then stands aside.
 */
import { failureCleanup } from '../io/failureCleanup';

const SIGNALS: Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number> = {
  SIGINT: 2,
  SIGTERM: 15,
  SIGHUP: 1,
};

/**
 * Install the handlers (call once, from the CLI's `main`).
 * @returns A function that removes them again.
 */
export function exitOnSignal(): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (failureCleanup.signalsHandledByCommand > 0) return;
    const code = 128 + SIGNALS[signal as keyof typeof SIGNALS];
    try {
      failureCleanup.run();
    } catch (err) {
      process.stderr.write(
        `breast-density: ${signal}: could not remove every partial output: ${(err as Error).message}\n`,
      );
      process.exit(code);
    }
    process.stderr.write(`breast-density: ${signal}: stopped, partial outputs removed\n`);
    process.exit(code);
  };
  const names = Object.keys(SIGNALS) as NodeJS.Signals[];
  for (const s of names) process.on(s, onSignal);
  return () => {
    for (const s of names) process.off(s, onSignal);
  };
}
