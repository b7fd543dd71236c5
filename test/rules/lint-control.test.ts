/**
 * The lint's table of codes (severity, on by default, listing order) and the `mini-eql: ignore`
 * comments that silence codes for one query.
 */
import { describe, expect, it } from "vitest";
import { ecsSchema } from "../../src/node/rules/ecs.js";
import { checkQuery } from "../../src/rules/check-query.js";
import { ruleFromText } from "../../src/rules/from-text.js";
import {
  enabledLintCodes,
  findingRank,
  IGNORE_DIRECTIVE,
  LINT_TABLE,
  LintCodes,
  lintCodeInfo,
  nearestLintCode,
} from "../../src/rules/lint.js";
import { ignoreDirectives } from "../../src/rules/lint-ignore.js";
import { compileSchema } from "../../src/rules/schema.js";
import { validateRule } from "../../src/rules/validate.js";
import { kubeletToml, ruleObject } from "./helpers.js";

const schema = compileSchema(ecsSchema());

describe("the table of lint codes", () => {
  it("has every code once, likely bugs first and LINT_CASE_SENSITIVE a note that is off by default", () => {
    const codes = LINT_TABLE.map((i) => i.code);
    expect(new Set(codes)).toEqual(new Set(Object.values(LintCodes)));
    expect(codes.length).toBe(Object.values(LintCodes).length);
    expect(codes.slice(0, 2)).toEqual([LintCodes.WILDCARD_IN_EQUALITY, LintCodes.FIELD_TYPE]);
    expect(lintCodeInfo(LintCodes.CASE_SENSITIVE)).toMatchObject({ severity: "info", onByDefault: false });
    expect(LINT_TABLE.filter((i) => !i.onByDefault).map((i) => i.code)).toEqual([LintCodes.CASE_SENSITIVE]);
    // Notes come after every warning.
    const firstInfo = LINT_TABLE.findIndex((i) => i.severity === "info");
    expect(LINT_TABLE.slice(firstInfo).every((i) => i.severity === "info")).toBe(true);
  });

  it("gives each finding its code's severity", () => {
    const found = validateRule(
      ruleObject({ query: 'process where host.os.type == "lin*" and process.name in ("bash")' }),
      { schema },
    );
    expect(found.map((i) => [i.code, i.severity])).toEqual([
      [LintCodes.WILDCARD_IN_EQUALITY, "warning"],
      [LintCodes.CASE_SENSITIVE, "info"],
    ]);
  });

  it("ranks errors first, then warnings and notes in the table's order, other codes last in each", () => {
    const order = [
      findingRank("error", "EQL_UNEXPECTED_END"),
      findingRank("warning", LintCodes.WILDCARD_IN_EQUALITY),
      findingRank("warning", LintCodes.FIELD_TYPE),
      findingRank("warning", LintCodes.UNKNOWN_FIELD),
      findingRank("warning", "EQL_WILDCARD_IN_EQUALITY"),
      findingRank("info", LintCodes.NON_SCHEMA_FIELD),
      findingRank("info", LintCodes.CASE_SENSITIVE),
      findingRank("info", undefined),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it("turns codes on and off from the defaults", () => {
    const defaults = enabledLintCodes();
    expect(defaults.has(LintCodes.WILDCARD_IN_EQUALITY)).toBe(true);
    expect(defaults.has(LintCodes.CASE_SENSITIVE)).toBe(false);
    const changed = enabledLintCodes({
      enable: [LintCodes.CASE_SENSITIVE, "NOT_A_CODE"],
      disable: [LintCodes.NON_SCHEMA_FIELD],
    });
    expect(changed.has(LintCodes.CASE_SENSITIVE)).toBe(true);
    expect(changed.has(LintCodes.NON_SCHEMA_FIELD)).toBe(false);
    expect(changed.has("NOT_A_CODE")).toBe(false);
    expect(changed.size).toBe(defaults.size);
  });

  it("suggests the code nearest a misspelt one", () => {
    expect(nearestLintCode("LINT_CASE_SENSITVE")).toBe(LintCodes.CASE_SENSITIVE);
    expect(nearestLintCode("case_sensitive")).toBe(LintCodes.CASE_SENSITIVE);
    expect(nearestLintCode("wildcard-in-equality")).toBe(LintCodes.WILDCARD_IN_EQUALITY);
    expect(nearestLintCode("LINT_CASE")).toBe(LintCodes.CASE_SENSITIVE);
    expect(nearestLintCode("FIELD")).toBeUndefined(); // three codes hold it
    expect(nearestLintCode("EQL_UNKNOWN_PIPE")).toBeUndefined();
  });
});

describe("mini-eql: ignore comments", () => {
  it("read codes from line and block comments, up to `--`", () => {
    const q = `process where true // ${IGNORE_DIRECTIVE} LINT_CASE_SENSITIVE
      /* mini-eql: ignore LINT_FIELD_TYPE, LINT_UNKNOWN_FIELD -- LINT_WILDCARD_IN_EQUALITY is a reason here */`;
    const d = ignoreDirectives(q);
    expect([...d.codes].sort()).toEqual(["LINT_CASE_SENSITIVE", "LINT_FIELD_TYPE", "LINT_UNKNOWN_FIELD"]);
    expect(d.issues).toEqual([]);
  });

  it("are comments only: the same words in a string or another comment silence nothing", () => {
    const q =
      'process where process.name == "// mini-eql: ignore LINT_CASE_SENSITIVE" // see LINT_FIELD_TYPE';
    expect(ignoreDirectives(q).codes.size).toBe(0);
  });

  it("report a name that is not a lint code where it is written, with the nearest code", () => {
    const q = "process where true and\n  true // mini-eql: ignore LINT_CASE_SENSITVE, LINT_FIELD_TYPE";
    const d = ignoreDirectives(q);
    expect([...d.codes]).toEqual(["LINT_FIELD_TYPE"]);
    expect(d.issues).toHaveLength(1);
    const issue = d.issues[0];
    expect(issue).toMatchObject({ code: "LINT_BAD_IGNORE", severity: "warning" });
    expect(issue?.message).toContain("did you mean LINT_CASE_SENSITIVE?");
    expect(issue?.location).toMatchObject({ line: 2, column: 28 });
    expect(q.slice(issue?.location?.start, issue?.location?.end)).toBe("LINT_CASE_SENSITVE");
    expect(ignoreDirectives("any where true // mini-eql: ignore").issues[0]?.message).toContain(
      "names no lint code",
    );
  });

  it("mark the findings of the codes they name silenced, in validateRule and checkQuery", () => {
    const q =
      'process where host.os.type == "lin*" and process.name in ("bash") // mini-eql: ignore LINT_CASE_SENSITIVE';
    const found = validateRule(ruleObject({ query: q }), { schema });
    expect(found.map((i) => [i.code, i.silenced ?? false])).toEqual([
      [LintCodes.WILDCARD_IN_EQUALITY, false],
      [LintCodes.CASE_SENSITIVE, true],
    ]);
    const checked = checkQuery(q, { schema });
    expect(checked.lint.map((i) => [i.code, i.silenced ?? false])).toEqual([
      [LintCodes.WILDCARD_IN_EQUALITY, false],
      [LintCodes.CASE_SENSITIVE, true],
    ]);
    // Without the comment nothing is silenced.
    const plain = validateRule(ruleObject({ query: q.replace(/\/\/.*/, "") }), { schema });
    expect(plain.some((i) => i.silenced)).toBe(false);
  });

  it("work in a TOML rule's query, which still loads", () => {
    const toml = kubeletToml.replace(
      /query = '''\n/,
      "query = '''\n// mini-eql: ignore LINT_CASE_SENSITIVE -- Linux names are case-sensitive\n",
    );
    expect(toml).not.toBe(kubeletToml);
    const found = validateRule(ruleFromText(toml, { file: "k.toml" }), { schema });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((i) => i.code === LintCodes.CASE_SENSITIVE && i.silenced)).toBe(true);
  });
});
