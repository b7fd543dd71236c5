/** Hostile command-line values: usage errors (exit 2), never a crash. */
import { beforeAll, describe, expect, it } from "vitest";
import { parseNow } from "../../src/cli/commands/run.js";
import { cli, ensureBuilt } from "../cli/helpers.js";

describe("run --now beyond any date", () => {
  beforeAll(() => ensureBuilt());

  it("is rejected by the option parser", () => {
    expect(() => parseNow("99999999999999999999")).toThrow(/--now expects/);
    expect(() => parseNow("1e20")).toThrow(/--now expects/);
    expect(parseNow("8640000000000000")).toBe(8.64e15);
  });

  it.each(["1e20", "99999999999999999999"])("--now %s exits 2", async (now) => {
    const r = await cli(["run", "--rules", "rules", "--now", now, "-"], { input: "{}\n" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--now expects");
  });
});
