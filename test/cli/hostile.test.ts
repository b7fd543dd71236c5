/** `mini-eql run` and `query` on hostile input: nothing lost or printed raw without being reported. */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, ndjson, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

const RULE = `[rule]
rule_id = "hostile-1"
name = "Curl"
description = "curl"
type = "eql"
language = "eql"
index = ["logs-*"]
query = '''
process where process.name == "curl"
'''
severity = "high"
risk_score = 70
`;

function rulesDir(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "curl.toml"), RULE);
  return dir;
}

const event = '"@timestamp":"2026-05-04T10:01:00Z","event":{"category":"process"},"process":{"name":"curl"}';

describe("mini-eql run: alerts of hostile events", () => {
  it("a matching event with a field nested 3,000 levels deep still alerts, its deep part marked", async () => {
    const deep = `${"[".repeat(3000)}1${"]".repeat(3000)}`;
    const line = `{"a":${deep},${event}}\n`;
    const r = await cli(["run", "--rules", rulesDir(), "--no-window", "-"], { input: line });
    expect(r.status).toBe(0);
    const alerts = ndjson(r.stdout);
    expect(alerts).toHaveLength(1);
    expect(r.stdout).toContain('"[too deep]"');
    expect(r.stderr).toMatch(/1 alert;/);
    expect(r.stderr).toMatch(/1 value replaced in alerts/);
  });
});

describe("--rules directories with symbolic links", () => {
  it("a loop, a dangling link and an outside link are reported; the good rule still runs", async () => {
    const base = tempDir();
    const dir = join(base, "rules");
    mkdirSync(join(base, "outside"), { recursive: true });
    mkdirSync(dir);
    writeFileSync(join(dir, "curl.toml"), RULE);
    writeFileSync(join(base, "outside", "other.toml"), RULE.replace("hostile-1", "hostile-2"));
    symlinkSync(dir, join(dir, "loop"));
    symlinkSync(join(dir, "gone.toml"), join(dir, "dangling.toml"));
    symlinkSync(join(base, "outside"), join(dir, "out"));
    const line = `{${event}}\n`;
    const r = await cli(["run", "--rules", dir, "--no-window", "-"], { input: line });
    expect(ndjson(r.stdout).map((a) => a["kibana.alert.rule.rule_id"])).toEqual(["hostile-1"]);
    expect(r.stderr).toContain("RULE_SYMLINK_LOOP");
    expect(r.stderr).toContain("RULE_SYMLINK_DANGLING");
    expect(r.stderr).toContain("RULE_SYMLINK_OUTSIDE");
    expect(r.stderr).toContain(join(dir, "loop"));
    const followed = await cli(["run", "--rules", dir, "--no-window", "--follow-symlinks", "-"], {
      input: line,
    });
    expect(
      ndjson(followed.stdout)
        .map((a) => a["kibana.alert.rule.rule_id"])
        .sort(),
    ).toEqual(["hostile-1", "hostile-2"]);
    expect(followed.stderr).not.toContain("RULE_SYMLINK_OUTSIDE");
  });
});

describe("input lines that are not good events", () => {
  const input = Buffer.concat([
    Buffer.from('{"a":1,"a":2}\n\u00a0\n\u2028\n\f\n{"b":"'),
    Buffer.from([0xff]),
    Buffer.from(`"}\n{"__proto__":{"x":1},${event}}\n`),
  ]);

  it("query: each is rejected with its line; the summary adds up", async () => {
    const r = await cli(["query", "process where true", "-"], { input });
    expect(r.stderr).toContain('<stdin>:1: warning: duplicate key "a"; skipped');
    expect(r.stderr).toMatch(/<stdin>:2: warning: not JSON/);
    expect(r.stderr).toMatch(/<stdin>:3: warning: not JSON/);
    expect(r.stderr).toMatch(/<stdin>:4: warning: not JSON/);
    expect(r.stderr).toContain("<stdin>:5: warning: invalid UTF-8; skipped");
    expect(r.stderr).toContain("events: 6 read, 1 matched, 0 unmatched, 5 rejected");
  });

  it("run: a top-level __proto__ field stays in the alert", async () => {
    const r = await cli(["run", "--rules", rulesDir(), "--no-window", "-"], { input });
    const [alert] = ndjson(r.stdout);
    expect(Object.hasOwn(alert as object, "__proto__")).toBe(true);
    expect(r.stdout).toContain('"__proto__":{"x":1}');
    expect(r.stderr).toContain("5 rejected");
  });
});

describe("control characters from input and rules are printed escaped for people", () => {
  const RAW = /[\x00\x07\x1b\x9b\u202e]/;
  // Without colour, nothing the command writes for people holds ESC.
  const noRaw = (text: string) => expect(text).not.toMatch(RAW);

  it("a rejected line cannot set the terminal title", async () => {
    const r = await cli(["query", "process where true", "-"], {
      input: "\x1b]0;PWNED\x07x\n\x00\u009b\u202e\n",
    });
    noRaw(r.stderr);
    expect(r.stderr).toContain("\\x1b]0;PWNED\\x07");
    expect(r.stderr).toContain("2 rejected");
  });

  it("check prints a query's source line escaped, its caret still under the spot", async () => {
    const r = await cli(["check", 'process where process.name == "\x1b[31m\x07" and ']);
    noRaw(r.stdout);
    noRaw(r.stderr);
    const lines = r.stdout.split("\n");
    const source = lines.findIndex((l) => l.includes("\\x1b[31m"));
    expect(source).toBeGreaterThan(0);
    const caret = lines[source + 1] ?? "";
    expect(caret.indexOf("^")).toBe((lines[source] as string).length);
  });

  it("check and run print rule names and queries escaped", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "bad.toml"),
      RULE.replace('name = "Curl"', 'name = "Curl\\u001b]0;PWNED\\u0007"').replace(
        'process.name == "curl"',
        'process.name == "curl\\u001b[2J" and foo(\x1b)',
      ),
    );
    writeFileSync(
      join(dir, "good.toml"),
      RULE.replace('name = "Curl"', 'name = "Curl\\u001b]0;PWNED\\u0007\\u202e"'),
    );
    const check = await cli(["check", "--rules", dir]);
    noRaw(check.stdout);
    noRaw(check.stderr);
    expect(check.stdout).toContain("\\x1b");
    const run = await cli(["run", "--rules", dir, "--no-window", "-"], { input: `{${event}}\n` });
    noRaw(run.stderr);
    expect(run.stderr).toContain("Curl\\x1b]0;PWNED\\x07\\u202e");
    // Machine output stays exact JSON.
    expect(ndjson(run.stdout)[0]?.["kibana.alert.rule.name"]).toBe("Curl\x1b]0;PWNED\x07\u202e");
  });

  it("the table format escapes values; NDJSON keeps them exact", async () => {
    const input = `{${event},"user":{"name":"\\u001b]0;PWNED\\u0007"}}\n`;
    const table = await cli(
      ["query", "process where true", "--format", "table", "--columns", "user.name", "-"],
      {
        input,
      },
    );
    noRaw(table.stdout);
    expect(table.stdout).toContain("\\x1b]0;PWNED\\x07");
    const json = await cli(["query", "process where true", "-"], { input });
    expect(ndjson(json.stdout)[0]?.user).toEqual({ name: "\x1b]0;PWNED\x07" });
  });
});

describe("which rules search a document", () => {
  it("fields of the document never decide; --index and search hits do", async () => {
    // The rule searches logs-*.
    const body = `{${event},"_index":"winlogbeat-1","data_stream":{"type":"metrics","dataset":"x","namespace":"y"}}\n`;
    const plain = await cli(["run", "--rules", rulesDir(), "--no-window", "-"], { input: body });
    expect(ndjson(plain.stdout)).toHaveLength(1);
    const other = await cli(["run", "--rules", rulesDir(), "--no-window", "--index", "winlogbeat-1", "-"], {
      input: body,
    });
    expect(ndjson(other.stdout)).toHaveLength(0);
    const hit = `{"_index":".ds-logs-endpoint-default-2026.05.04-000001","_id":"h1","_source":{${event}}}\n`;
    const fromHit = await cli(["run", "--rules", rulesDir(), "--no-window", "--index", "winlogbeat-1", "-"], {
      input: hit,
    });
    const [alert] = ndjson(fromHit.stdout);
    expect(alert?.["kibana.alert.ancestors"]).toMatchObject([
      { id: "h1", index: ".ds-logs-endpoint-default-2026.05.04-000001" },
    ]);
  });
});
