/** Symbolic links in a rules directory: loops, dangling links and links out of the tree. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runRuleFixtures } from "../../src/node/rules/fixtures.js";
import { listRuleFiles, loadRules } from "../../src/node/rules/load.js";
import { RuleLoadError } from "../../src/rules/errors.js";

const ruleJson = (id: string) =>
  JSON.stringify({
    rule_id: id,
    name: `rule ${id}`,
    description: "d",
    type: "eql",
    language: "eql",
    query: "process where true",
    risk_score: 1,
    severity: "low",
    index: ["*"],
  });

/** A rules directory with one good rule, and a rule outside it. */
function tree() {
  const base = mkdtempSync(join(tmpdir(), "mini-eql-links-"));
  const dir = join(base, "rules");
  const outside = join(base, "outside");
  mkdirSync(join(dir, "sub"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(dir, "sub", "good.json"), ruleJson("good"));
  writeFileSync(join(outside, "secret.json"), ruleJson("outside"));
  return { dir, outside };
}

const codes = (errors: readonly RuleLoadError[]) => errors.map((e) => [e.code, e.file]);

describe("symbolic links in a rules directory", () => {
  it("a directory link back to an ancestor is a loop, reported with its path; the rest loads", () => {
    const { dir } = tree();
    symlinkSync(dir, join(dir, "sub", "up"));
    const set = loadRules(dir, { collectErrors: true });
    expect(set.rules.map((r) => r.rule.rule_id)).toEqual(["good"]);
    expect(codes(set.errors)).toEqual([["RULE_SYMLINK_LOOP", join("sub", "up")]]);
  });

  it("a link to itself and a dangling link are reported; the rest loads", () => {
    const { dir } = tree();
    symlinkSync("self.json", join(dir, "self.json"));
    symlinkSync(join(dir, "missing.json"), join(dir, "dangling.json"));
    const set = loadRules(dir, { collectErrors: true });
    expect(set.rules.map((r) => r.rule.rule_id)).toEqual(["good"]);
    expect(codes(set.errors)).toEqual([
      ["RULE_SYMLINK_DANGLING", "dangling.json"],
      ["RULE_SYMLINK_LOOP", "self.json"],
    ]);
  });

  it("a link out of the directory is reported and not read, unless followSymlinks", () => {
    const { dir, outside } = tree();
    symlinkSync(outside, join(dir, "elsewhere"));
    symlinkSync(join(outside, "secret.json"), join(dir, "secret.json"));
    const set = loadRules(dir, { collectErrors: true });
    expect(set.rules.map((r) => r.rule.rule_id)).toEqual(["good"]);
    expect(codes(set.errors)).toEqual([
      ["RULE_SYMLINK_OUTSIDE", "elsewhere"],
      ["RULE_SYMLINK_OUTSIDE", "secret.json"],
    ]);
    // Followed, both links reach the same rule: the second is a duplicate rule_id.
    const followed = loadRules(dir, { collectErrors: true, followSymlinks: true });
    expect(followed.rules.map((r) => r.rule.rule_id).sort()).toEqual(["good", "outside"]);
    expect(codes(followed.errors)).toEqual([["RULE_DUPLICATE_ID", "secret.json"]]);
  });

  it("a link that stays inside is followed", () => {
    const { dir } = tree();
    symlinkSync(join(dir, "sub"), join(dir, "alias"));
    expect(listRuleFiles(dir)).toEqual([join(dir, "alias", "good.json"), join(dir, "sub", "good.json")]);
  });

  it("without collected errors the first such entry throws a coded error", () => {
    const { dir } = tree();
    symlinkSync(join(dir, "nothing"), join(dir, "dangling.json"));
    expect(() => loadRules(dir)).toThrow(RuleLoadError);
    expect(() => listRuleFiles(dir)).toThrow(expect.objectContaining({ code: "RULE_SYMLINK_DANGLING" }));
  });

  it("fixture runs report a looping or dangling link as an unusable file and run the rest", () => {
    const { dir } = tree();
    writeFileSync(
      join(dir, "sub", "good.fixtures.json"),
      JSON.stringify({
        fixtures: [{ label: "any process", expect: "alert", event: { event: { category: "process" } } }],
      }),
    );
    symlinkSync(dir, join(dir, "sub", "up"));
    symlinkSync(join(dir, "none.fixtures.json"), join(dir, "dangling.fixtures.json"));
    const reports = runRuleFixtures(dir);
    expect(reports.map((r) => [r.file, r.error?.replace(/^.*\[/, "[") ?? null, r.passed])).toEqual([
      ["dangling.fixtures.json", "[RULE_SYMLINK_DANGLING]", 0],
      [join("sub", "up"), "[RULE_SYMLINK_LOOP]", 0],
      [join("sub", "good.fixtures.json"), null, 1],
    ]);
  });
});
