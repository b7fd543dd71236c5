/** runRuleFixtures: each fixture validated on its own; unusable files and empty lists reported. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRuleFixtures } from "../../src/node/rules/fixtures.js";
import { expectFixturesToPass } from "../../src/testing/index.js";
import { curlEvent, kubeletToml } from "./helpers.js";

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mini-eql-fixture-files-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("fixture files", () => {
  const event = curlEvent("2026-05-04T10:25:00Z");
  it("report a malformed fixture as an error and still run the others", () => {
    const dir = dirWith({
      "r.toml": kubeletToml,
      "r.fixtures.json": JSON.stringify({
        fixtures: [
          { id: "good", label: "curl to the Kubelet API", expect: "alert", event },
          { id: "bad", label: "an unknown verdict", expect: "maybe", event },
        ],
      }),
    });
    const [report] = runRuleFixtures(dir);
    expect([report?.passed, report?.failed, report?.errors.map((e) => [e.index, e.id])]).toEqual([
      1,
      0,
      [[1, "bad"]],
    ]);
    expect(() => expectFixturesToPass(dir)).toThrow(/fixture bad/);
  });
  it("name the missing rule file, and report an empty list", () => {
    const missing = runRuleFixtures(
      dirWith({ "x.fixtures.json": '{"rule": "missing.toml", "fixtures": []}' }),
    );
    expect(missing[0]?.error).toContain("missing.toml");
    const empty = runRuleFixtures(dirWith({ "r.toml": kubeletToml, "r.fixtures.json": '{"fixtures": []}' }));
    expect([empty[0]?.error, empty[0]?.empty]).toEqual([undefined, true]);
  });
});
