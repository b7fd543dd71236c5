/**
 * The fuzz script over the built library: a fixed seed gives no exception that is not a coded error.
 * The time limit per case is the script's own check (CI runs 2,000 cases of each kind with it, in
 * .ci/run); here it is lifted, since a unit test does not measure time.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

describe("npm run fuzz", () => {
  it("300 cases with seed 1: only coded errors", () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "scripts/fuzz.mjs"), "--cases", "300", "--seed", "1", "--limit-ms", "600000"],
      {
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.stdout).toMatch(/^fuzz: seed 1, 300 cases .* 0 uncoded exceptions, 0 over 600000 ms/);
    expect(r.stdout).toMatch(/[1-9]\d* alerts/);
    expect(r.status).toBe(0);
  }, 60_000);

  it("300 cases with seed 2 against a mapping built from ECS: the verifier's errors are coded too", () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "scripts/fuzz.mjs"),
        "--cases",
        "300",
        "--seed",
        "2",
        "--mapping",
        "ecs",
        "--limit-ms",
        "600000",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    expect(r.stdout).toMatch(
      /^fuzz: seed 2, ecs mapping, 300 cases .* 0 uncoded exceptions, 0 over 600000 ms/,
    );
    expect(r.status).toBe(0);
  }, 60_000);
});
