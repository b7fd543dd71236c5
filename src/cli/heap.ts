/**
 * How far V8 lets the heap grow past what the last full collection kept. By default it may grow to
 * about four times that before collecting again; a rule set at its state budget evicts an entry for
 * nearly every new one, and the evicted entries wait in the heap as garbage until then. Over 2 M
 * distinct sequence keys with the default 256 MiB budget that took the process to a peak RSS of
 * 1,092 MB; with the heap allowed to grow by half, 506 MB. In each run, events per CPU-second with
 * the budget full stayed within 0.86-1.07x of those below it (bench/README.md, "State budget").
 */
import { setFlagsFromString } from "node:v8";

/** Growth past the live heap, in percent, that `mini-eql run` asks V8 for. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Ask V8 to collect once the heap has grown by `HEAP_GROWING_PERCENT`, unless the process was started
 * with its own `--heap-growing-percent` (on the command line or in NODE_OPTIONS). V8 reads the flag at
 * every collection, so setting it now takes effect, for worker threads too. True when it was set.
 */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? "",
): boolean {
  if ([...execArgv, nodeOptions].some((a) => a.includes("--heap-growing-percent"))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
