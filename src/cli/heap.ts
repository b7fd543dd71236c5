/**
 * How far V8 lets the heap grow past what the last full collection kept. By default it may grow to
 * about four times that before collecting again; a rule set at its state budget evicts an entry for
 * nearly every new one, and the evicted entries wait in the heap as garbage until then. With the
 * heap allowed to grow by half, the state adds about 1.6 bytes of RSS per byte charged, which the
 * budget's `HEAP_OVERHEAD` (src/engine/budget.ts) allows for: over 2 M distinct sequence keys at
 * the default 256 MiB budget the state added 210 MB to the peak RSS (bench/README.md, "State
 * budget"). Before the budget allowed for it, that run reached a peak RSS of 1,092 MB with V8's
 * default growth and 506 MB with half.
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
