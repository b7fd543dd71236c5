/** `check`, `query` and `run` with `--mapping`: Elasticsearch's verifier, and `--allow-unknown-fields`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

const MAPPING = {
  properties: {
    "@timestamp": { type: "date" },
    event: { properties: { category: { type: "keyword" } } },
    process: { properties: { name: { type: "keyword" }, pid: { type: "long" } } },
    message: { type: "text" },
    geo: { properties: { location: { type: "geo_point" } } },
  },
};

function setup(): { dir: string; mapping: string } {
  const dir = tempDir();
  const mapping = join(dir, "mapping.json");
  writeFileSync(mapping, JSON.stringify(MAPPING));
  return { dir, mapping };
}

const RULE = (query: string) =>
  `[rule]\nrule_id = "b"\nname = "B"\ndescription = "d"\ntype = "eql"\nlanguage = "eql"\nindex = ["x"]\nseverity = "low"\nrisk_score = 1\nquery = """\n${query}\n"""\n`;

describe.concurrent("--mapping", { timeout: 60_000 }, () => {
  it("check: a field the mapping lacks is an unknown column; --allow-unknown-fields accepts it", async () => {
    const { mapping } = setup();
    const q = 'process where process.nme == "curl"';
    const r = await cli(["check", "--no-schema", "--mapping", mapping, q]);
    expect(r.status).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe(
      "<query>:1:15: error: unknown column [process.nme], did you mean any of [process.name, process.pid]? [EQL_UNKNOWN_FIELD]",
    );
    const lenient = await cli(["check", "--no-schema", "--mapping", mapping, "--allow-unknown-fields", q]);
    expect(lenient.status).toBe(0);
    const optional = await cli([
      "check",
      "--no-schema",
      "--mapping",
      mapping,
      'process where ?process.nme == "x"',
    ]);
    expect(optional.status).toBe(0);
  });

  it("check: text and geo fields are refused in Elasticsearch's words", async () => {
    const { mapping } = setup();
    const text = await cli(["check", "--no-schema", "--mapping", mapping, 'any where message : "x"']);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(
      '<query>:1:11: error: [message : "x"] cannot operate on first argument field of data type [text]: No keyword/multi-field defined exact matches for [message]; define one or use MATCH/QUERY instead [EQL_INEXACT_FIELD]',
    );
    const geo = await cli(["check", "--no-schema", "--mapping", mapping, "any where geo.location == 1"]);
    expect(geo.stdout).toContain(
      "<query>:1:11: error: cannot use field [geo.location] with unsupported type [geo_point] [EQL_UNSUPPORTED_FIELD_TYPE]",
    );
  });

  it("check --rules: the error points at the field inside the rule file", async () => {
    const { dir, mapping } = setup();
    const rules = join(dir, "rules");
    mkdirSync(rules);
    writeFileSync(join(rules, "r.toml"), RULE('process where process.name == "x" and\n  message == "y"'));
    const r = await cli(["check", "--no-schema", "--mapping", mapping, "--rules", rules]);
    expect(r.status).toBe(1);
    const [head, source] = r.stdout.split("\n");
    expect(head).toMatch(/r\.toml:12:3: error: .*\[EQL_INEXACT_FIELD\]$/);
    expect(source).toBe('    message == "y"');
  });

  it("query and run: --allow-unknown-fields keeps a partial mapping usable", async () => {
    const { dir, mapping } = setup();
    const events = join(dir, "events.ndjson");
    writeFileSync(
      events,
      `${JSON.stringify({ "@timestamp": "2024-01-01T00:00:00Z", event: { category: "process" }, user: "x" })}\n`,
    );
    const strict = await cli(["query", "--mapping", mapping, 'process where user == "x"', events]);
    expect(strict.status).not.toBe(0);
    expect(strict.stderr).toContain("EQL_UNKNOWN_FIELD");
    const lenient = await cli([
      "query",
      "--mapping",
      mapping,
      "--allow-unknown-fields",
      'process where user == "x"',
      events,
    ]);
    expect(lenient.status).toBe(0);
    expect(lenient.stdout.trim().split("\n")).toHaveLength(1);
    const rules = join(dir, "run-rules");
    mkdirSync(rules);
    writeFileSync(join(rules, "r.toml"), RULE('process where user == "x"'));
    const run = await cli([
      "run",
      "--mapping",
      mapping,
      "--allow-unknown-fields",
      "--no-window",
      "--rules",
      rules,
      events,
    ]);
    expect(run.stderr).not.toContain("EQL_UNKNOWN_FIELD");
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    const runStrict = await cli(["run", "--mapping", mapping, "--no-window", "--rules", rules, events]);
    expect(runStrict.stderr + runStrict.stdout).toContain("EQL_UNKNOWN_FIELD");
  });
});
