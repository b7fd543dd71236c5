/**
 * `mini-eql check`: steering the lint (--enable, --disable, --fail-level), the listing order (likely
 * bugs first), the per-code table, and `mini-eql: ignore` comments in a rule's query.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sortFindings } from "../../src/cli/commands/check.js";
import { type Finding, formatCodeTable } from "../../src/cli/report.js";
import { colours } from "../../src/cli/term.js";
import { cli, ensureBuilt, tempDir, testRuleToml } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

/**
 * Three rules: a.toml has a wildcard in `==` (a likely bug), an integration field (a note) and two
 * case-sensitive `in`/`==` (off by default); b.toml does not compile; c.toml's wildcard is silenced
 * by a comment in its query (its `==` is case-sensitive too).
 */
function threeRules(): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, "a.toml"),
    testRuleToml(
      "a",
      'process where process.name in ("bash", "sh") and\n  winlog.event_data.TargetUserName == "admin" and process.executable == "/tmp/*"',
    ),
  );
  writeFileSync(join(dir, "b.toml"), testRuleToml("b", 'process where process.name = "x"'));
  writeFileSync(
    join(dir, "c.toml"),
    testRuleToml(
      "c",
      '// mini-eql: ignore LINT_WILDCARD_IN_EQUALITY -- a literal asterisk\nprocess where process.executable == "/opt/*"',
    ),
  );
  return dir;
}

/** The codes of the listed findings, in the order printed. */
function listedCodes(stdout: string): string[] {
  return [...stdout.matchAll(/^\S.*\[([A-Z_]+)\]$/gm)].map((m) => m[1] as string);
}

/** The per-code table's rows: code, severity, count and the note. */
function tableRows(stderr: string): string[][] {
  return stderr
    .split("\n")
    .filter((l) => /^[A-Z][A-Z_]+ +(error|warning|info) +\d+/.test(l))
    .map((l) => {
      const [code, severity, count, ...note] = l.split(/ +/);
      return [code, severity, count, note.join(" ")] as string[];
    });
}

const SUMMARY = /^check: .*$/m;

describe.concurrent("check: steering the lint", { timeout: 90_000 }, () => {
  it("lists errors first, then likely bugs, then notes; LINT_CASE_SENSITIVE is off and counted", async () => {
    const dir = threeRules();
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    // b.toml's error comes first though a.toml is read first.
    expect(listedCodes(r.stdout)).toEqual([
      "EQL_ASSIGNMENT_AS_EQUALITY",
      "LINT_WILDCARD_IN_EQUALITY",
      "LINT_NON_SCHEMA_FIELD",
    ]);
    expect(r.stdout.split("\n")[0]).toMatch(/b\.toml:9:28: error: /);
    expect(r.stdout).toContain(`${join(dir, "a.toml")}:10:51: warning: "/tmp/*" is compared literally`);
    expect(r.stdout).not.toContain("c.toml");
    expect(tableRows(r.stderr)).toEqual([
      ["EQL_ASSIGNMENT_AS_EQUALITY", "error", "1", ""],
      ["LINT_WILDCARD_IN_EQUALITY", "warning", "2", "1 silenced"],
      ["LINT_NON_SCHEMA_FIELD", "info", "1", ""],
      ["LINT_CASE_SENSITIVE", "info", "3", "3 off (--enable LINT_CASE_SENSITIVE lists them)"],
    ]);
    expect(r.stderr).toMatch(/^code +severity +count$/m);
    expect(SUMMARY.exec(r.stderr)?.[0]).toBe(
      "check: 1 error, 1 warning, 1 note in 3 rules; 3 off, 1 silenced",
    );
  });

  it("--enable lists a code that is off by default, after the other notes", async () => {
    const dir = threeRules();
    const r = await cli(["check", "--rules", dir, "--enable", "LINT_CASE_SENSITIVE"]);
    expect(listedCodes(r.stdout)).toEqual([
      "EQL_ASSIGNMENT_AS_EQUALITY",
      "LINT_WILDCARD_IN_EQUALITY",
      "LINT_NON_SCHEMA_FIELD",
      "LINT_CASE_SENSITIVE",
      "LINT_CASE_SENSITIVE",
      "LINT_CASE_SENSITIVE",
    ]);
    expect(r.stdout).toContain("info: `in` on process.name is case-sensitive");
    expect(SUMMARY.exec(r.stderr)?.[0]).toBe(
      "check: 1 error, 1 warning, 4 notes in 3 rules; 0 off, 1 silenced",
    );
  });

  it("--disable takes comma-separated codes and repeats; disabled findings are counted as off", async () => {
    const dir = threeRules();
    for (const args of [
      ["--disable", "LINT_WILDCARD_IN_EQUALITY,LINT_NON_SCHEMA_FIELD"],
      ["--disable", "LINT_WILDCARD_IN_EQUALITY", "--disable", "LINT_NON_SCHEMA_FIELD"],
    ]) {
      const r = await cli(["check", "--rules", dir, ...args]);
      expect(listedCodes(r.stdout)).toEqual(["EQL_ASSIGNMENT_AS_EQUALITY"]);
      expect(tableRows(r.stderr)).toContainEqual([
        "LINT_WILDCARD_IN_EQUALITY",
        "warning",
        "2",
        "1 silenced, 1 off (--enable LINT_WILDCARD_IN_EQUALITY lists them)",
      ]);
      expect(SUMMARY.exec(r.stderr)?.[0]).toBe(
        "check: 1 error, 0 warnings, 0 notes in 3 rules; 5 off, 1 silenced",
      );
    }
  });

  it("an unknown code, or one both enabled and disabled, is a usage error (status 2) with a suggestion", async () => {
    const typo = await cli(["check", "process where true", "--disable", "LINT_CASE_SENSITVE"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain(
      '"LINT_CASE_SENSITVE" is not a lint code; did you mean LINT_CASE_SENSITIVE?',
    );
    const short = await cli(["check", "process where true", "--enable", "wildcard_in_equality"]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain("did you mean LINT_WILDCARD_IN_EQUALITY?");
    const both = await cli([
      "check",
      "process where true",
      "--enable",
      "LINT_CASE_SENSITIVE",
      "--disable",
      "LINT_FIELD_TYPE,LINT_CASE_SENSITIVE",
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("--enable and --disable both name LINT_CASE_SENSITIVE");
    expect((await cli(["check", "process where true", "--fail-level", "notice"])).status).toBe(2);
  });

  it("--fail-level: exit 1 when a listed finding is at least that severe", async () => {
    const warning = 'process where host.os.type == "lin*"'; // LINT_WILDCARD_IN_EQUALITY only
    const note = "process where winlog.event_data.TargetUserName != null"; // LINT_NON_SCHEMA_FIELD only
    const status = async (...args: string[]) => (await cli(["check", ...args])).status;
    const [w, wWarning, wDisabled, n, nWarning, nInfo, nDisabled, clean] = await Promise.all([
      status(warning),
      status(warning, "--fail-level", "warning"),
      status(warning, "--fail-level", "warning", "--disable", "LINT_WILDCARD_IN_EQUALITY"),
      status(note, "--fail-level", "error"),
      status(note, "--fail-level", "warning"),
      status(note, "--fail-level", "info"),
      status(note, "--fail-level", "info", "--disable", "LINT_NON_SCHEMA_FIELD"),
      status("process where true", "--fail-level", "info"),
    ]);
    expect([w, wWarning, wDisabled]).toEqual([0, 1, 0]);
    expect([n, nWarning, nInfo, nDisabled]).toEqual([0, 0, 1, 0]);
    expect(clean).toBe(0);
    // Errors fail at every level.
    expect(await status("process where", "--fail-level", "info")).toBe(1);
  });

  it("a mini-eql: ignore comment silences the code for its own query only; silenced findings do not fail", async () => {
    const q = 'process where host.os.type == "lin*" // mini-eql: ignore LINT_WILDCARD_IN_EQUALITY';
    const r = await cli(["check", q, "--fail-level", "warning"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(SUMMARY.exec(r.stderr)?.[0]).toBe(
      "check: 0 errors, 0 warnings, 0 notes in the query; 0 off, 1 silenced",
    );
    // In a rule file: c.toml's finding is silenced, a.toml's of the same code is listed.
    const dir = threeRules();
    const rules = await cli(["check", "--rules", dir, "--disable", "LINT_NON_SCHEMA_FIELD"]);
    const wild = rules.stdout.split("\n").filter((l) => l.includes("[LINT_WILDCARD_IN_EQUALITY]"));
    expect(wild).toHaveLength(1);
    expect(wild[0]).toContain("a.toml");
  });

  it("a mini-eql: ignore comment naming no lint code is a warning in the rule file", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "r.toml"),
      testRuleToml("r", 'process where host.os.type == "lin*" // mini-eql: ignore LINT_WILDCARD'),
    );
    const r = await cli(["check", "--rules", dir]);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("[LINT_BAD_IGNORE]"));
    expect(lines[at]).toBe(
      `${join(dir, "r.toml")}:9:58: warning: "LINT_WILDCARD" in a mini-eql: ignore comment is not a lint code; did you mean LINT_WILDCARD_IN_EQUALITY? [LINT_BAD_IGNORE]`,
    );
    // The misspelt code silences nothing.
    expect(r.stdout).toContain("[LINT_WILDCARD_IN_EQUALITY]");
  });

  it("--help lists every lint code with its severity and default, and the ignore comment", async () => {
    const r = await cli(["check", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}LINT_WILDCARD_IN_EQUALITY +warning +on +/m);
    expect(r.stdout).toMatch(/^ {2}LINT_CASE_SENSITIVE +info +off +/m);
    expect(r.stdout).toContain("--enable <codes>");
    expect(r.stdout).toContain("--disable <codes>");
    expect(r.stdout).toContain(
      "--fail-level <severity>  exit 1 when a listed finding is at least this severe",
    );
    expect(r.stdout).toContain("// mini-eql: ignore LINT_CASE_SENSITIVE");
  });
});

describe("sortFindings and the per-code table", () => {
  const f = (severity: Finding["severity"], code: string, extra: Partial<Finding> = {}): Finding => ({
    file: "x.toml",
    severity,
    message: code,
    code,
    ...extra,
  });

  it("lists by severity and the lint table's order, stable within a code; counts what it does not list", () => {
    const findings = [
      f("info", "LINT_NON_SCHEMA_FIELD", { line: 1 }),
      f("info", "LINT_CASE_SENSITIVE"),
      f("warning", "LINT_UNKNOWN_FIELD"),
      f("warning", "LINT_WILDCARD_IN_EQUALITY", { line: 2 }),
      f("warning", "LINT_WILDCARD_IN_EQUALITY", { silenced: true }),
      f("error", "RULE_MISSING_KEY"),
      f("warning", "LINT_WILDCARD_IN_EQUALITY", { line: 3 }),
      f("info", "LINT_NON_SCHEMA_FIELD", { line: 4 }),
    ];
    const on = new Set(["LINT_WILDCARD_IN_EQUALITY", "LINT_NON_SCHEMA_FIELD"]);
    const { listed, rows } = sortFindings(findings, on);
    expect(listed.map((x) => [x.code, x.line])).toEqual([
      ["RULE_MISSING_KEY", undefined],
      ["LINT_WILDCARD_IN_EQUALITY", 2],
      ["LINT_WILDCARD_IN_EQUALITY", 3],
      ["LINT_NON_SCHEMA_FIELD", 1],
      ["LINT_NON_SCHEMA_FIELD", 4],
    ]);
    expect(rows).toEqual([
      { code: "RULE_MISSING_KEY", severity: "error", count: 1, silenced: 0, off: 0 },
      { code: "LINT_WILDCARD_IN_EQUALITY", severity: "warning", count: 3, silenced: 1, off: 0 },
      { code: "LINT_UNKNOWN_FIELD", severity: "warning", count: 1, silenced: 0, off: 1 },
      { code: "LINT_NON_SCHEMA_FIELD", severity: "info", count: 2, silenced: 0, off: 0 },
      { code: "LINT_CASE_SENSITIVE", severity: "info", count: 1, silenced: 0, off: 1 },
    ]);
    expect(formatCodeTable(rows, colours(false))).toBe(
      [
        "code                       severity  count",
        "RULE_MISSING_KEY           error         1",
        "LINT_WILDCARD_IN_EQUALITY  warning       3  1 silenced",
        "LINT_UNKNOWN_FIELD         warning       1  1 off (--enable LINT_UNKNOWN_FIELD lists them)",
        "LINT_NON_SCHEMA_FIELD      info          2",
        "LINT_CASE_SENSITIVE        info          1  1 off (--enable LINT_CASE_SENSITIVE lists them)",
        "",
      ].join("\n"),
    );
    expect(formatCodeTable([], colours(false))).toBe("");
  });
});
