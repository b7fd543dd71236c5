/**
 * The shipped Kubelet rule, compiled by the library, must give every hand-written fixture its verdict,
 * and `run` must return exactly the matching fixtures in timestamp order.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import type { EventsResult } from "../../src/types.js";
import { fixtures, positives } from "./fixtures.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RULE = "lateral_movement_direct_kubelet_access_via_process_args.toml";
const shipped = resolve(root, "rules/linux", RULE);
// The seed copy lives outside the repository (a shared folder on the machine where the rule was first
// imported); a fresh clone does not have it, so the comparison is skipped there.
const seed = resolve(root, "../shared/seed", RULE);

function queryOf(file: string): string {
  const doc = parseToml(readFileSync(file, "utf8")) as { rule?: { query?: unknown; language?: unknown } };
  const query = doc.rule?.query;
  if (typeof query !== "string") throw new Error(`${file}: no [rule] query`);
  return query;
}

const query = queryOf(shipped);

function timeOf(f: { event: Record<string, unknown> }): number {
  return Date.parse(String(f.event["@timestamp"]));
}

describe("Kubelet rule file", () => {
  it("is an EQL rule that keeps Elastic's licence and authorship", () => {
    const doc = parseToml(readFileSync(shipped, "utf8")) as {
      rule: { language: string; type: string; license: string; author: string[]; references: string[] };
    };
    expect(doc.rule.language).toBe("eql");
    expect(doc.rule.type).toBe("eql");
    expect(doc.rule.license).toBe("Elastic License v2");
    expect(doc.rule.author).toEqual(["Elastic"]);
    expect(doc.rule.references.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(seed))("carries the same query as the seed copy", () => {
    expect(query).toBe(queryOf(seed));
  });
});

describe("Kubelet rule over the fixtures", () => {
  const compiled = compile(query);

  it("compiles as an event query", () => {
    expect(compiled.kind).toBe("event");
  });

  it.each(fixtures.map((f) => [f.id, f] as const))("%s", (_id, f) => {
    expect(compiled.matches(f.event), `${f.id}: ${f.label}`).toBe(f.expected);
  });

  it("run returns exactly the positives, in timestamp order", () => {
    const expected = [...positives].sort((a, b) => timeOf(a) - timeOf(b)).map((f) => f.id);
    const result = compiled.run(
      fixtures.map((f) => f.event),
      { size: fixtures.length },
    ) as EventsResult;
    const byEvent = new Map(fixtures.map((f) => [f.event, f.id]));
    const got = result.events.map((hit) => byEvent.get(hit._source) ?? "(not a fixture object)");
    expect(got).toEqual(expected);
  });

  it("run with the default size keeps the last 10 positives", () => {
    const ordered = [...positives].sort((a, b) => timeOf(a) - timeOf(b)).map((f) => f.id);
    const result = compiled.run(fixtures.map((f) => f.event)) as EventsResult;
    const byEvent = new Map(fixtures.map((f) => [f.event, f.id]));
    expect(result.events.map((hit) => byEvent.get(hit._source))).toEqual(ordered.slice(-10));
  });
});
