/** `mini-eql run` and `query` on hostile input: nothing lost or printed raw without being reported. */
import { writeFileSync } from "node:fs";
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
