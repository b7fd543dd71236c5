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
    expect(r.stderr).toContain('<stdin>:1: warning: duplicate key "a"; line skipped');
    expect(r.stderr).toMatch(/<stdin>:2: warning: not JSON/);
    expect(r.stderr).toMatch(/<stdin>:3: warning: not JSON/);
    expect(r.stderr).toMatch(/<stdin>:4: warning: not JSON/);
    expect(r.stderr).toContain("<stdin>:5: warning: invalid UTF-8; line skipped");
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
