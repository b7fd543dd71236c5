/** `mini-eql run` bounds V8's heap growth unless Node was started with a value of its own. */
import { describe, expect, it } from "vitest";
import { boundHeapGrowth, HEAP_GROWING_PERCENT } from "../../src/cli/heap.js";

describe("heap growth", () => {
  it("is left alone when given on Node's command line or in NODE_OPTIONS", () => {
    expect(boundHeapGrowth(["--heap-growing-percent=10"], "")).toBe(false);
    expect(boundHeapGrowth([], "--max-old-space-size=512 --heap-growing-percent=30")).toBe(false);
  });
  it("is set otherwise, to a bound between V8's default (about 4x) and none", () => {
    expect(boundHeapGrowth(["--enable-source-maps"], "--max-old-space-size=512")).toBe(true);
    expect(HEAP_GROWING_PERCENT).toBeGreaterThan(0);
    expect(HEAP_GROWING_PERCENT).toBeLessThan(100);
  });
});
