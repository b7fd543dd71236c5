/** Exceptions in Kibana's model: entries ANDed, items ORed, operators included/excluded. */
import { describe, expect, it } from "vitest";
import { compileExceptions, exceptionItemsFrom } from "../../src/rules/exceptions.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { runRules } from "../../src/rules/run.js";
import type { ExceptionEntry, ExceptionItem } from "../../src/rules/types.js";
import { curlEvent, ruleObject } from "./helpers.js";

const event = {
  user: { name: "svc-probe" },
  "process.name": "curl",
  process: {
    args: ["curl", "https://127.0.0.1:10250/healthz"],
    pid: 42,
    parent: { executable: "/opt/ops/check.sh" },
  },
  host: { ip: ["10.0.0.5", "fe80::1"] },
  dns: {
    answers: [
      { type: "A", data: "10.0.0.9" },
      { type: "CNAME", data: "kubelet.local" },
    ],
  },
};

function hits(...entries: ExceptionEntry[]): boolean {
  return compileExceptions([{ entries }])(event) !== undefined;
}

describe("exception entries", () => {
  it("is / is not (match), case-sensitive, on any value of the field", () => {
    expect(hits({ field: "user.name", type: "match", operator: "included", value: "svc-probe" })).toBe(true);
    expect(hits({ field: "user.name", type: "match", operator: "included", value: "SVC-PROBE" })).toBe(false);
    expect(hits({ field: "process.name", operator: "included", type: "match", value: "curl" })).toBe(true);
    expect(hits({ field: "host.ip", operator: "included", type: "match", value: "fe80::1" })).toBe(true);
    expect(hits({ field: "process.pid", operator: "included", type: "match", value: "42" })).toBe(true);
    expect(hits({ field: "user.name", type: "match", operator: "excluded", value: "root" })).toBe(true);
    expect(hits({ field: "missing.field", type: "match", operator: "excluded", value: "x" })).toBe(true);
  });

  it("is one of (match_any), exists and does not exist", () => {
    expect(
      hits({ field: "user.name", operator: "included", type: "match_any", value: ["root", "svc-probe"] }),
    ).toBe(true);
    expect(
      hits({ field: "user.name", type: "match_any", operator: "excluded", value: ["root", "svc-probe"] }),
    ).toBe(false);
    expect(hits({ field: "process.parent.executable", type: "exists", operator: "included" })).toBe(true);
    expect(hits({ field: "process.parent.pid", type: "exists", operator: "excluded" })).toBe(true);
  });

  it("matches (wildcard) with EQL's matcher, case-insensitive only when the item says so", () => {
    expect(
      hits({
        field: "process.args",
        operator: "included",
        type: "wildcard",
        value: "https://127.0.0.1:*/healthz",
      }),
    ).toBe(true);
    expect(hits({ field: "process.args", operator: "included", type: "wildcard", value: "HTTPS://*" })).toBe(
      false,
    );
    const insensitive: ExceptionItem = {
      case_insensitive: true,
      entries: [{ field: "process.args", operator: "included", type: "wildcard", value: "HTTPS://*" }],
    };
    expect(compileExceptions([insensitive])(event)).toBe(insensitive);
  });

  it("list entries read inline values or value lists", () => {
    const entry: ExceptionEntry = {
      field: "user.name",
      type: "list",
      operator: "included",
      list: { id: "svc-accounts", type: "keyword" },
    };
    expect(
      compileExceptions([{ entries: [entry] }], { valueLists: { "svc-accounts": ["svc-probe"] } })(event),
    ).toBeDefined();
    expect(compileExceptions([{ entries: [entry] }])(event)).toBeUndefined();
  });

  it("nested entries hold on the same array element", () => {
    const nested = (type: string, data: string): ExceptionEntry => ({
      field: "dns.answers",
      type: "nested",
      entries: [
        { field: "type", operator: "included", type: "match", value: type },
        { field: "data", operator: "included", type: "match", value: data },
      ],
    });
    expect(hits(nested("A", "10.0.0.9"))).toBe(true);
    expect(hits(nested("A", "kubelet.local"))).toBe(false);
  });

  it("ANDs entries and ORs items", () => {
    const a: ExceptionEntry = { field: "user.name", operator: "included", type: "match", value: "svc-probe" };
    const b: ExceptionEntry = { field: "process.name", operator: "included", type: "match", value: "wget" };
    expect(hits(a, b)).toBe(false);
    const items: ExceptionItem[] = [
      { item_id: "1", entries: [a, b] },
      { item_id: "2", entries: [a] },
    ];
    expect(compileExceptions(items)(event)?.item_id).toBe("2");
    expect(compileExceptions([{ entries: [] }])(event)).toBeUndefined();
  });

  it("reads items from an array, { items } or a single item", () => {
    const item = { entries: [{ field: "a", operator: "included", type: "exists" }] };
    expect(exceptionItemsFrom([item])).toHaveLength(1);
    expect(exceptionItemsFrom({ items: [item, item] })).toHaveLength(2);
    expect(() => exceptionItemsFrom({ items: [item, { nope: 1 }] })).toThrow(/exception item #2/);
    expect(exceptionItemsFrom(item)).toHaveLength(1);
  });
});

describe("exceptions in the runner", () => {
  const probe: ExceptionItem = {
    name: "probe",
    entries: [{ field: "user.name", operator: "included", type: "match", value: "svc-probe" }],
  };

  it("suppress an event rule's alert", () => {
    const rule = ruleFromObject(ruleObject());
    rule.exceptions.push(probe);
    const events = [
      curlEvent("2026-05-04T10:25:00Z"),
      curlEvent("2026-05-04T10:26:00Z", { user: { name: "svc-probe" } }),
    ];
    const { alerts, reports } = runRules([rule], events, { now: "2026-05-04T10:30:00Z" });
    expect(alerts).toHaveLength(1);
    expect(reports[0]?.suppressed).toBe(1);
  });

  it("suppress a sequence when any of its events matches", () => {
    const rule = ruleFromObject(
      ruleObject({
        query:
          'sequence by host.name [process where process.name == "bash"] [process where process.name == "curl"]',
      }),
    );
    rule.exceptions.push(probe);
    const bash = curlEvent("2026-05-04T10:25:00Z", { user: { name: "svc-probe" } });
    (bash.process as Record<string, unknown>).name = "bash";
    const { alerts, reports } = runRules([rule], [bash, curlEvent("2026-05-04T10:25:10Z")], {
      now: "2026-05-04T10:30:00Z",
    });
    expect(reports[0]?.error).toBeUndefined();
    expect(reports[0]).toMatchObject({ matched: 1, suppressed: 1, alerts: 0 });
    expect(alerts).toEqual([]);
  });
});
