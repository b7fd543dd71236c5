/** The runner: index patterns, look-back window, max_signals, de-duplication and the alert documents. */
import { describe, expect, it } from "vitest";
import { unwrapHit } from "../../src/rules/envelope.js";
import { ruleFromObject } from "../../src/rules/from-object.js";
import { ruleFromText } from "../../src/rules/from-text.js";
import { compileIndexPatterns, eventIndex } from "../../src/rules/index-pattern.js";
import { runRules } from "../../src/rules/run.js";
import { curlEvent, kubeletToml, ruleObject } from "./helpers.js";

const NOW = "2026-05-04T10:30:00.000Z";
const rule = () => ruleFromObject(ruleObject());

describe("index patterns", () => {
  it("matches with picomatch, honours exclusions in order, and takes the index from a search hit", () => {
    const m = compileIndexPatterns(["logs-endpoint.events.process*", "auditbeat-*", "-auditbeat-old*"]);
    expect(m("logs-endpoint.events.process-default")).toBe(true);
    expect(m("logs-endpoint.events.network-default")).toBe(false);
    expect(m("auditbeat-8.19.0")).toBe(true);
    expect(m("auditbeat-old-1")).toBe(false);
    expect(compileIndexPatterns(undefined)("anything")).toBe(true);
    const source = (index: string) => unwrapHit({ _index: index, _source: { host: {} } });
    expect(eventIndex(source(".ds-logs-endpoint.events.process-default-2026.05.04-000001"))).toBe(
      "logs-endpoint.events.process-default",
    );
    expect(eventIndex(source("auditbeat-8.19.0"))).toBe("auditbeat-8.19.0");
    // A document's own fields never name its index: Elasticsearch does not take it from the body.
    expect(
      eventIndex({ data_stream: { type: "logs", dataset: "endpoint.events.process", namespace: "default" } }),
    ).toBeUndefined();
    expect(eventIndex({ _index: "auditbeat-8.19.0" })).toBeUndefined();
    expect(eventIndex({ host: {} })).toBeUndefined();
  });

  it("searches only the rule's indices for search hits; a document's body does not decide", () => {
    const hit = (index: string, id: string, t: string) => ({ _index: index, _id: id, _source: curlEvent(t) });
    const events = [
      hit("auditbeat-8.19.0", "a", "2026-05-04T10:25:00Z"),
      hit("winlogbeat-8.19.0", "b", "2026-05-04T10:25:01Z"),
      hit(".ds-logs-endpoint.events.process-prod-2026.05.04-000001", "c", "2026-05-04T10:25:02Z"),
      // Body fields that claim another index (or one the rule searches) change nothing.
      curlEvent("2026-05-04T10:25:03Z", {
        _index: "winlogbeat-8.19.0",
        data_stream: { type: "logs", dataset: "system.syslog", namespace: "default" },
      }),
      curlEvent("2026-05-04T10:25:04Z"),
    ];
    const { alerts, reports } = runRules([rule()], events, { now: NOW });
    expect(reports[0]?.searched).toBe(4);
    expect(alerts.map((a) => a["kibana.alert.original_time"])).toEqual([
      "2026-05-04T10:25:00Z",
      "2026-05-04T10:25:02Z",
      "2026-05-04T10:25:03Z",
      "2026-05-04T10:25:04Z",
    ]);
    expect(alerts[0]?.["kibana.alert.ancestors"]).toMatchObject([{ id: "a", index: "auditbeat-8.19.0" }]);
  });

  it("the index option places every plain document; a hit still brings its own", () => {
    const events = [
      curlEvent("2026-05-04T10:25:00Z"),
      { _index: "auditbeat-8.19.0", _source: curlEvent("2026-05-04T10:25:01Z") },
    ];
    const { alerts } = runRules([rule()], events, { now: NOW, index: "winlogbeat-8" });
    expect(alerts.map((a) => a["kibana.alert.original_time"])).toEqual(["2026-05-04T10:25:01Z"]);
  });

  it("an _id in the body does not de-duplicate different documents", () => {
    const events = [
      curlEvent("2026-05-04T10:25:00Z", { _id: "same" }),
      curlEvent("2026-05-04T10:25:01Z", { _id: "same" }),
    ];
    const { alerts, reports } = runRules([rule()], events, { now: NOW });
    expect(alerts).toHaveLength(2);
    expect(reports[0]?.duplicates).toBe(0);
  });
});

describe("look-back window", () => {
  it("keeps events in (now - from, now] by @timestamp", () => {
    const times = [
      "2026-05-04T10:21:00.000Z",
      "2026-05-04T10:21:00.001Z",
      "2026-05-04T10:30:00.000Z",
      "2026-05-04T10:30:00.001Z",
    ];
    const events = times.map((t) => {
      const e = curlEvent(t);
      delete (e.event as Record<string, unknown>).ingested;
      return e;
    });
    const { alerts, reports } = runRules([rule()], events, { now: NOW });
    expect(alerts.map((a) => a["kibana.alert.original_time"])).toEqual([times[1], times[2]]);
    expect(reports[0]?.window).toEqual({ from: "2026-05-04T10:21:00.000Z", to: NOW });
  });

  it("applies the window to timestamp_override (event.ingested) when the event has it", () => {
    const r = ruleFromObject(ruleObject({ timestamp_override: "event.ingested" }));
    // Happened long ago but ingested just now: in the window.
    const late = curlEvent("2026-05-04T08:00:00Z");
    (late.event as Record<string, unknown>).ingested = "2026-05-04T10:29:00Z";
    // Happened just now but its ingest time is outside the window.
    const early = curlEvent("2026-05-04T10:29:00Z");
    (early.event as Record<string, unknown>).ingested = "2026-05-04T10:00:00Z";
    // No event.ingested: falls back to @timestamp.
    const plain = curlEvent("2026-05-04T10:28:00Z");
    delete (plain.event as Record<string, unknown>).ingested;
    const { alerts } = runRules([r], [late, early, plain], { now: NOW });
    expect(alerts.map((a) => a["kibana.alert.original_time"])).toEqual(
      ["2026-05-04T10:28:00Z", "2026-05-04T08:00:00Z"].sort(),
    );
    // Ordering stays on @timestamp: the late event sorts first.
    expect(alerts[0]?.["kibana.alert.original_time"]).toBe("2026-05-04T08:00:00Z");
  });
});

describe("max_signals and de-duplication", () => {
  const events = Array.from({ length: 7 }, (_, i) => curlEvent(`2026-05-04T10:2${i}:30Z`));

  it("creates at most max_signals alerts, keeping the most recent, and flags truncation", () => {
    const r = ruleFromObject(ruleObject({ max_signals: 3, from: "now-1h" }));
    const { alerts, reports } = runRules([r], events, { now: NOW });
    expect(alerts).toHaveLength(3);
    expect(reports[0]).toMatchObject({ matched: 7, truncated: true, dropped: 4, alerts: 3 });
    expect(alerts.map((a) => a["kibana.alert.original_time"])).toEqual([
      "2026-05-04T10:24:30Z",
      "2026-05-04T10:25:30Z",
      "2026-05-04T10:26:30Z",
    ]);
  });

  it("alerts once per event across overlapping runs when the seen-set is carried", () => {
    const r = ruleFromObject(ruleObject({ from: "now-1h" }));
    const seen = new Set<string>();
    const first = runRules([r], events, { now: NOW, seen });
    const second = runRules([r], events, { now: "2026-05-04T10:35:00Z", seen });
    expect(first.alerts).toHaveLength(7);
    expect(second.alerts).toHaveLength(0);
    expect(second.reports[0]?.duplicates).toBe(7);
    // Without the set, the ids are the same anyway: re-runs are idempotent by uuid.
    const again = runRules([r], events, { now: "2026-05-04T10:35:00Z" });
    expect(again.alerts.map((a) => a["kibana.alert.uuid"])).toEqual(
      first.alerts.map((a) => a["kibana.alert.uuid"]),
    );
  });
});

describe("alert documents", () => {
  it("have Kibana's shape: rule fields, MITRE threat, reason, original event and source fields", () => {
    const k = ruleFromText(kubeletToml);
    const event = curlEvent("2026-05-04T10:25:00Z");
    (event.process as Record<string, unknown>).executable = "/usr/bin/curl";
    const hit = { _id: "doc-1", _index: "logs-endpoint.events.process-default", _source: event };
    const { alerts } = runRules([k], [hit], { now: NOW });
    expect(alerts).toHaveLength(1);
    const a = alerts[0] as Record<string, unknown>;
    expect(a).toMatchObject({
      "@timestamp": NOW,
      "event.kind": "signal",
      "kibana.alert.rule.name": "Potential Direct Kubelet Access via Process Arguments",
      "kibana.alert.rule.rule_id": "6aa52f86-18f1-4a5a-a0ac-e2b5db8af589",
      "kibana.alert.severity": "high",
      "kibana.alert.risk_score": 73,
      "kibana.alert.status": "active",
      "kibana.alert.workflow_status": "open",
      "kibana.alert.original_time": "2026-05-04T10:25:00Z",
      "kibana.alert.original_event.action": "exec",
      "kibana.alert.original_event.category": ["process"],
      "kibana.alert.rule.from": "now-9m",
      "kibana.alert.rule.interval": "5m",
      "kibana.alert.rule.max_signals": 100,
      "kibana.alert.ancestors": [
        { id: "doc-1", type: "event", index: "logs-endpoint.events.process-default", depth: 0 },
      ],
      "kibana.alert.reason":
        "process event with process curl, parent process bash, by root on k8s-worker-02 created high alert Potential Direct Kubelet Access via Process Arguments.",
      host: { name: "k8s-worker-02", os: { type: "linux" } },
    });
    expect(a.event).toBeUndefined();
    expect(a._id).toBeUndefined();
    expect(a["kibana.alert.rule.uuid"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a["kibana.alert.uuid"]).toMatch(/^[0-9a-f]{64}$/);
    expect(a["kibana.alert.rule.tags"]).toContain("Tactic: Lateral Movement");
    const threat = a["kibana.alert.rule.threat"] as {
      tactic: { id: string };
      technique: { id: string; subtechnique?: { id: string }[] }[];
    }[];
    expect(threat.map((t) => [t.tactic.id, t.technique[0]?.id])).toEqual([
      ["TA0008", "T1021"],
      ["TA0007", "T1613"],
      ["TA0002", "T1059"],
    ]);
    expect(threat[2]?.technique[0]?.subtechnique?.[0]?.id).toBe("T1059.004");
    const params = a["kibana.alert.rule.parameters"] as Record<string, unknown>;
    expect(params).toMatchObject({ timestamp_override: "event.ingested", language: "eql", to: "now" });
  });

  it("uses the rule's id as its uuid when it has one", () => {
    const r = ruleFromObject(ruleObject({ id: "0b6d4a4e-1c5e-4f5e-9d3a-2f1d8b7c6a50" }));
    const { alerts } = runRules([r], [curlEvent("2026-05-04T10:25:00Z")], { now: NOW });
    expect(alerts[0]?.["kibana.alert.rule.uuid"]).toBe("0b6d4a4e-1c5e-4f5e-9d3a-2f1d8b7c6a50");
  });

  it("gives a sequence one shell alert and a building block per event", () => {
    const r = ruleFromObject(
      ruleObject({
        query:
          'sequence by host.name with maxspan=1m [process where process.name == "bash"] [process where process.name == "curl"]',
      }),
    );
    const bash = curlEvent("2026-05-04T10:25:00Z");
    (bash.process as Record<string, unknown>).name = "bash";
    const curl = curlEvent("2026-05-04T10:25:10Z");
    const { alerts, reports } = runRules([r], [bash, curl], { now: NOW });
    expect(reports[0]?.error).toBeUndefined();
    expect(alerts).toHaveLength(3);
    const [shell, b0, b1] = alerts as Record<string, unknown>[];
    const group = shell?.["kibana.alert.group.id"];
    expect(shell?.["kibana.alert.building_block_type"]).toBeUndefined();
    expect(shell?.["kibana.alert.depth"]).toBe(2);
    expect(shell?.["host.name"]).toBe("k8s-worker-02");
    expect(shell?.["process.name"]).toBeUndefined();
    expect([b0?.["kibana.alert.group.index"], b1?.["kibana.alert.group.index"]]).toEqual([0, 1]);
    for (const b of [b0, b1]) {
      expect(b?.["kibana.alert.building_block_type"]).toBe("default");
      expect(b?.["kibana.alert.group.id"]).toBe(group);
    }
    expect((b1?.process as { name: string } | undefined)?.name).toBe("curl");
    // Re-running the same window creates nothing new.
    const seen = new Set(alerts.map((a) => a["kibana.alert.uuid"] as string));
    expect(runRules([r], [bash, curl], { now: NOW, seen }).alerts).toHaveLength(0);
  });

  it("never throws on strange events", () => {
    const hostile = {
      get process() {
        throw new Error("boom");
      },
    };
    const matching = {
      ...curlEvent("2026-05-04T10:25:00Z"),
      get user() {
        throw new Error("boom");
      },
    };
    const events = [null, 5, "x", [], hostile, matching, curlEvent("2026-05-04T10:25:00Z")];
    const { alerts } = runRules([rule()], events, { now: NOW });
    expect(alerts).toHaveLength(1);
  });
});
