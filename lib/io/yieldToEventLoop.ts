/**
 * Let the event loop run once (timers, I/O, and SIGINT/SIGTERM handlers). Signal handlers are
 * macrotasks: a loop that only awaits resolved promises never lets them run, so the staging
 * cleanup of `lib/cli/exitOnSignal.ts` would wait for the end of the loop. Long loops that
 * write outputs call this between items.
 * @returns A promise resolved on the next turn of the event loop (`setImmediate`).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
