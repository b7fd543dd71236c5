/** Hostile command-line values: usage errors (exit 2), never a crash. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseNow } from "../../src/cli/commands/run.js";
import { locate } from "../../src/errors.js";
import { cli, ensureBuilt, tempDir } from "../cli/helpers.js";

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

describe("check on a generated rule with thousands of alternatives on one line", () => {
  beforeAll(() => ensureBuilt());

  it("shows an excerpt of a long line around the span", () => {
    const line = `${"x".repeat(5000)}HERE${"y".repeat(5000)}`;
    const { sourceLine, caret, location } = locate(`a\n${line}\nb`, { start: 2 + 5000, end: 2 + 5004 });
    expect(location).toMatchObject({ line: 2, column: 5001 });
    expect(sourceLine.length).toBeLessThan(400);
    expect(sourceLine.startsWith("…")).toBe(true);
    expect(sourceLine.endsWith("…")).toBe(true);
    expect(sourceLine.slice(caret.indexOf("^"), caret.indexOf("^") + 4)).toBe("HERE");
    expect(locate("short line", { start: 6, end: 10 })).toMatchObject({
      sourceLine: "short line",
      caret: "      ^^^^",
    });
  });

  it("reports every finding without running out of time or memory", async () => {
    const dir = tempDir();
    const query = Array.from({ length: 8000 }, (_, i) => `process.name == "p${i}"`).join(" or ");
    writeFileSync(
      join(dir, "r.toml"),
      `[rule]\nrule_id = "r1"\nname = "r"\ndescription = "d"\ntype = "eql"\nlanguage = "eql"\nindex = ["logs-*"]\nquery = '''\nprocess where ${query}\n'''\nseverity = "low"\nrisk_score = 1\n`,
    );
    // Case-sensitive `==` on process.name: a note, off unless enabled.
    const r = await cli(["check", "--rules", dir, "--enable", "LINT_CASE_SENSITIVE"]);
    expect(r.status).toBe(0);
    expect(r.stderr + r.stdout).toContain("0 warnings, 8000 notes");
  }, 120_000);
});
