/** `mini-eql check`: findings as file:line:col with the source line and a caret, and the exit status. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, RULES, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

/** The column of the first caret under a finding (1-based in the source line). */
function caretColumn(caretLine: string): number {
  return caretLine.indexOf("^") - 2 + 1; // two spaces of indent
}

describe.concurrent("check", { timeout: 60_000 }, () => {
  it("a syntax error: <query>:line:col, the line and a caret under the spot, status 1", async () => {
    const q = 'process where process.name == "curl" and';
    const r = await cli(["check", q]);
    expect(r.status).toBe(1);
    const [head, source, caret] = r.stdout.split("\n");
    expect(head).toBe(
      "<query>:1:41: error: unexpected end of input: expected an expression but found end of input [EQL_UNEXPECTED_END]",
    );
    expect(source).toBe(`  ${q}`);
    expect(caretColumn(caret as string)).toBe(41);
    expect(r.stderr).toContain("check: 1 error, 0 warnings");
  });

  it("a semantic error on a later line points at that line", async () => {
    const r = await cli(["check", "process where\n  length(process.name, 2) > 1"]);
    expect(r.status).toBe(1);
    const [head, source, caret] = r.stdout.split("\n");
    expect(head).toMatch(/^<query>:2:3: error: .+ \[EQL_WRONG_ARITY\]$/);
    expect(source).toBe("    length(process.name, 2) > 1");
    expect(caretColumn(caret as string)).toBe(3);
  });

  it("warnings and lint findings alone leave the status 0; field checks use ECS unless --no-schema", async () => {
    const q = 'process where process.name == "curl*" and process.nmae : "x"';
    const r = await cli(["check", q]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("[LINT_WILDCARD_IN_EQUALITY]");
    expect(r.stdout).not.toContain("[EQL_WILDCARD_IN_EQUALITY]"); // one finding per problem
    expect(r.stdout).toMatch(/<query>:1:\d+: warning: .*process\.nmae.*\[LINT_UNKNOWN_FIELD\]/);
    const noSchema = await cli(["check", q, "--no-schema"]);
    expect(noSchema.stdout).not.toContain("LINT_UNKNOWN_FIELD");
    expect((await cli(["check", "process where true"])).stdout).toBe("");
  });

  it("--rules: findings point into the rule file, through TOML and JSON strings", async () => {
    const r = await cli(["check", "--rules", RULES, "--enable", "LINT_CASE_SENSITIVE"]);
    expect(r.status).toBe(0);
    const file = join(RULES, "linux/lateral_movement_direct_kubelet_access_via_process_args.toml");
    expect(r.stdout).toContain(`${file}:87:3: info: \`like\` on process.name is case-sensitive`);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith(`${file}:87:3:`));
    expect(lines[at + 1]).toBe(
      '    process.name like ("curl", "wget", "python*", "perl*", "php*", "node*", "java", "ruby*", "lua*", ".*") or',
    );
    expect(caretColumn(lines[at + 2] as string)).toBe(3);
    expect(r.stderr).toContain("in 1 rule\n");
    // Off by default: counted, not listed.
    const plain = await cli(["check", "--rules", RULES]);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toMatch(/^LINT_CASE_SENSITIVE +info +3 +3 off/m);

    const dir = tempDir();
    const rule = {
      rule_id: "j",
      name: "JSON rule",
      description: "d",
      type: "eql",
      language: "eql",
      index: ["logs-*"],
      severity: "low",
      risk_score: 1,
      query: 'process where\n\tprocess.name == "a*"',
    };
    writeFileSync(join(dir, "rule.json"), `${JSON.stringify(rule, null, 2)}\n`);
    const j = await cli(["check", "--rules", join(dir, "rule.json")]);
    const head = j.stdout.split("\n")[0] as string;
    // The query string sits on line 10 of the file; "process.name" starts after the escaped \n\t.
    const text = JSON.stringify(rule, null, 2).split("\n");
    const line = text.findIndex((l) => l.includes('"query"')) + 1;
    const column = (text[line - 1] as string).indexOf("process.name") + 1;
    expect(head).toMatch(new RegExp(`rule\\.json:${line}:${column}: warning: `));
  });

  it("--rules: a rule that does not load is an error with its position, status 1", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "bad.toml"),
      '[rule]\nrule_id = "b"\nname = "B"\ndescription = "d"\ntype = "eql"\nlanguage = "eql"\nindex = ["x"]\nseverity = "low"\nrisk_score = 1\nquery = """\nprocess where process.name === "x"\n"""\n',
    );
    const r = await cli(["check", "--rules", dir]);
    expect(r.status).toBe(1);
    const [head, source, caret] = r.stdout.split("\n");
    expect(head).toBe(
      `${join(dir, "bad.toml")}:11:30: error: rule.query: \`=\` is not an operator; compare with \`==\` [EQL_ASSIGNMENT_AS_EQUALITY]`,
    );
    expect(source).toBe('  process where process.name === "x"');
    expect(caretColumn(caret as string)).toBe(30);
  });

  it("exits 2 without a query or --rules, or with a missing path", async () => {
    expect((await cli(["check"])).status).toBe(2);
    expect((await cli(["check", "--rules", "/no/such/dir"])).status).toBe(2);
  });
});
