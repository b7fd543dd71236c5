import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseArgs, runCli } from "../../src/node/conformance/cli.js";
import { eventsOf, fakeCompile, writeTinySuite } from "./conformance-fixtures.js";

const dir = writeTinySuite();
const suite = basename(dir);
const knownPath = join(dir, "known.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Passes "first" and "sample"; "second" returns [2, 1]; "second #2" throws.
const compile = fakeCompile({
  "process where true": eventsOf("serial", 1),
  "any where true": eventsOf("serial", 2, 1),
  "file where true": () => {
    throw Object.assign(new Error("no such thing"), { code: "EQL_UNKNOWN_FIELD" });
  },
  "sample by k [any where true] [any where true]": {
    sequences: [{ join_keys: ["a"], events: [{ _source: { id: 3 } }, { _source: { id: 1 } }] }],
  },
});

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const code = await runCli(argv, { compile, knownFailuresPath: knownPath, log: (l) => lines.push(l) });
  return { code, lines };
}

describe("runCli", () => {
  it("reports per file, each failure, and ends with the totals; unlisted failures exit 1", async () => {
    rmSync(knownPath, { force: true });
    const { code, lines } = await cli(dir, "--json", join(dir, "out.json"));
    expect(code).toBe(1);
    expect(lines).toContain("one.toml: 1 passed, 2 failed");
    expect(lines).toContain("two.toml: 1 passed, 0 failed");
    expect(lines).toContain("  FAIL [UNEXPECTED] second");
    expect(lines).toContain("      expected [1,2], actual [2,1]");
    expect(lines).toContain("      expected [2], error EQL_UNKNOWN_FIELD: no such thing");
    expect(lines).toContain(`known failures (${suite}): 0 known (listed), 2 unexpected`);
    expect(lines.at(-1)).toBe("2 passed, 2 failed");
    const json = JSON.parse(readFileSync(join(dir, "out.json"), "utf8"));
    expect(json.map((o: { name: string; status: string }) => `${o.name}:${o.status}`)).toEqual([
      "first:passed",
      "second:failed",
      "second #2:failed",
      "sample:passed",
    ]);
    expect(Object.keys(json[1]).slice(0, 6)).toEqual([
      "file",
      "name",
      "status",
      "expected",
      "actual",
      "error",
    ]);
  });

  it("--update-known-failures writes the list; then the run exits 0", async () => {
    const update = await cli(dir, "--update-known-failures");
    expect(update.code).toBe(0);
    expect(update.lines).toContain(`  ${suite} / one.toml / second #2`);
    expect(update.lines.at(-1)).toBe("2 passed, 2 failed");
    const known = JSON.parse(readFileSync(knownPath, "utf8"));
    expect(Object.keys(known[suite]["one.toml"])).toEqual(["second", "second #2"]);
    const again = await cli(dir);
    expect(again.code).toBe(0);
    expect(again.lines).toContain("  FAIL [known] second");
  });

  it("exits 1 and names the entry when a listed case passes", async () => {
    writeFileSync(
      knownPath,
      JSON.stringify({
        $comment: "kept",
        [suite]: { "one.toml": { first: "r", second: "r", "second #2": "r" } },
      }),
    );
    const { code, lines } = await cli(dir);
    expect(code).toBe(1);
    expect(lines).toContain(`  ${suite} / one.toml / first`);
    expect(lines.at(-1)).toBe("2 passed, 2 failed");
    await cli(dir, "--update-known-failures");
    expect(JSON.parse(readFileSync(knownPath, "utf8"))).toEqual({
      $comment: "kept",
      [suite]: { "one.toml": { second: "r", "second #2": "r" } },
    });
  });

  it("exits 2 on bad usage or a missing suite", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(join(dir, "nope"))).code).toBe(2);
    expect(() => parseArgs(["a", "--json"])).toThrow(/needs a file/);
    expect(parseArgs(["s", "--json", "o.json", "--update-known-failures"])).toEqual({
      suiteDir: "s",
      json: "o.json",
      update: true,
    });
  });
});
