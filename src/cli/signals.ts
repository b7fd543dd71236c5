/**
 * How a long-running command stops: the first SIGINT or SIGTERM aborts `signal` (the command then
 * ends as at the end of its input), a second one exits at once with 128 + the signal's number.
 */
export interface SignalStop {
  readonly signal: AbortSignal;
  /** The signal that stopped the command, or null. */
  stoppedBy(): NodeJS.Signals | null;
  /** Stop listening (when the command ends). */
  release(): void;
}

/** Listen for SIGINT and SIGTERM until `release()`. */
export function stopOnSignals(): SignalStop {
  const controller = new AbortController();
  let by: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (by !== null) process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    by = signal;
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    stoppedBy: () => by,
    release: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
