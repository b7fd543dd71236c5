/** The testing helpers: verdicts, explanation trees in failure messages, and fixture files. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { explainQuery, formatExplanation } from "../../src/rules/explain.js";
import { ruleFromText } from "../../src/rules/from-text.js";
import {
  assertRule,
  expectFixturesToPass,
  expectRuleNotToFire,
  expectRuleToFire,
  RuleAssertionError,
  runRuleFixtures,
} from "../../src/testing/index.js";
import { curlEvent, kubeletToml, root, ruleObject } from "./helpers.js";

function message(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RuleAssertionError);
    return (e as Error).message;
  }
  throw new Error("expected the assertion to fail");
}

describe("explanations", () => {
  it("print every and/or branch and leaf with its value", () => {
    const tree = explainQuery(
      'process where host.os.type == "linux" and (process.name == "curl" or process.name == "wget") and not user.name == "svc"',
      {
        event: { category: "process" },
        host: { os: { type: "linux" } },
        process: { name: "wget" },
        user: { name: "svc" },
      },
    );
    expect(formatExplanation(tree)).toBe(
      [
        "[false] process where ...",
        '  [true ] event.category == "process"',
        "  [false] and",
        '    [true ] host.os.type == "linux"',
        "    [true ] or",
        '      [false] process.name == "curl"',
        '      [true ] process.name == "wget"',
        "    [false] not",
        '      [true ] user.name == "svc"',
      ].join("\n"),
    );
  });

  it("explain each term of a sequence", () => {
    const tree = explainQuery('sequence [process where process.name == "a"] [network where true]', {
      event: { category: "network" },
    });
    expect(tree.children?.map((c) => [c.text, c.result])).toEqual([
      ["term 1: process where ...", false],
      ["term 2: network where ...", true],
    ]);
  });
});

describe("assertions", () => {
  const kubelet = ruleFromText(kubeletToml);
  const ok = curlEvent("2026-05-04T10:25:00Z");

  it("pass silently when the rule behaves", () => {
    expectRuleToFire(kubelet, ok);
    const kubectl = curlEvent("2026-05-04T10:25:00Z", {
      process: {
        name: "kubectl",
        executable: "/usr/bin/kubectl",
        args: ["kubectl", "https://10.0.4.17:10250/pods"],
      },
    });
    assertRule(kubelet, { fires: [ok], doesNotFire: [kubectl] });
  });

  it("say which condition kept the rule from firing", () => {
    const wrongPort = curlEvent("2026-05-04T10:25:00Z", {
      event: { id: "e-7", category: ["process"], type: ["start"], action: "exec" },
    });
    (wrongPort.process as Record<string, unknown>).args = ["curl", "https://10.0.4.17:10256/healthz"];
    const text = message(() => expectRuleToFire(kubelet, [ok, wrongPort]));
    expect(text).toContain(
      'expected rule "Potential Direct Kubelet Access via Process Arguments" to fire on 1 of 2 event(s)',
    );
    expect(text).toContain("event 1 (e-7):");
    expect(text).toMatch(/\[false\] process\.args like \("http\*:10250\/\*"/);
    expect(text).toMatch(/\[true \] host\.os\.type == "linux"/);
  });

  it("say why the rule fired when it should not have", () => {
    const text = message(() => expectRuleNotToFire(kubelet, ok));
    expect(text).toContain("not to fire, it fired on 1 of 1 event(s)");
    expect(text).toContain("[true ] process where ...");
  });

  it("mention the index and the exception that decided", () => {
    const withException = ruleFromText(kubeletToml);
    withException.exceptions.push({
      name: "root is fine",
      entries: [{ field: "user.name", operator: "included", type: "match", value: "root" }],
    });
    expect(message(() => expectRuleToFire(withException, ok))).toContain(
      'suppressed by exception item "root is fine"',
    );
    const elsewhere = { _index: "winlogbeat-8", _id: "w1", _source: curlEvent("2026-05-04T10:25:00Z") };
    expect(message(() => expectRuleToFire(kubelet, elsewhere))).toContain(
      "index winlogbeat-8 is not searched by the rule",
    );
  });

  it("accept a bare query, a rule object or rule text", () => {
    expectRuleToFire('process where process.name == "curl"', ok);
    expectRuleNotToFire(ruleObject({ query: 'process where process.name == "wget"' }), ok);
    expectRuleToFire(JSON.stringify(ruleObject()), ok);
  });

  it("treat the events of a sequence rule together", () => {
    const q =
      'sequence by host.name [process where process.name == "bash"] [process where process.name == "curl"]';
    const bash = curlEvent("2026-05-04T10:24:00Z");
    (bash.process as Record<string, unknown>).name = "bash";
    expectRuleToFire(q, [ok, bash]);
    // Order is by @timestamp, not by position: bash after curl is no sequence.
    const lateBash = { ...bash, "@timestamp": "2026-05-04T10:26:00Z" };
    expectRuleNotToFire(q, [lateBash, ok]);
    expect(message(() => expectRuleToFire(q, [ok]))).toContain(
      "to fire on the sequence of 1 event(s), got no-alert",
    );
  });
});

describe("fixture files", () => {
  it("the shipped rules' fixtures pass", () => {
    const reports = runRuleFixtures(resolve(root, "rules"));
    expect(reports.map((r) => [r.file, r.error ?? null, r.failed])).toEqual([
      [join("linux", "lateral_movement_direct_kubelet_access_via_process_args.fixtures.json"), null, 0],
    ]);
    const outcomes = reports[0]?.outcomes ?? [];
    const by = (v: string) => outcomes.filter((o) => o.fixture.expect === v).length;
    expect([by("alert"), by("no-alert"), by("suppressed")]).toEqual([14, 15, 1]);
    expect(outcomes.every((o) => o.fixture.label.length > 10)).toBe(true);
  });

  it("a failing fixture explains itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "mini-eql-fixtures-"));
    writeFileSync(join(dir, "r.toml"), kubeletToml);
    const event = curlEvent("2026-05-04T10:25:00Z");
    writeFileSync(
      join(dir, "r.fixtures.json"),
      JSON.stringify({
        fixtures: [{ id: "wrong", label: "mislabelled on purpose", expect: "no-alert", event }],
      }),
    );
    const [report] = runRuleFixtures(dir);
    expect([report?.ruleFile, report?.failed]).toEqual(["r.toml", 1]);
    expect(report?.outcomes[0]?.message).toMatch(
      /^wrong: expected no-alert, got alert \(mislabelled on purpose\)/,
    );
    expect(() => expectFixturesToPass(dir)).toThrow(/1 rule fixture problem/);
  });
});

describe("explanations name what matched", () => {
  const event = {
    event: { category: ["process"] },
    process: { name: "curl", args: ["curl", "-sk", "https://10.0.4.17:10250/pods"] },
  };

  it("gives the array element and the pattern of a true leaf", () => {
    const tree = explainQuery(
      'process where process.args like ("*:10255/*", "http*:10250/*") and process.name in ("wget", "curl")',
      event,
    );
    const text = formatExplanation(tree);
    expect(text).toContain('process.args[2] "https://10.0.4.17:10250/pods" matched "http*:10250/*"');
    expect(text).toContain('"curl" matched "curl"');
    expect(text).not.toContain('matched "*:10255/*"');
  });

  it("lists every element that matches, and nothing for false leaves or a lone value and pattern", () => {
    const tree = explainQuery(
      'process where process.args : "*" and process.name == "curl" and process.name == "x"',
      event,
    );
    const leaves = (tree.children?.[1]?.children ?? []).map((c) => c.matched?.length ?? 0);
    expect(leaves).toEqual([3, 0, 0]);
  });

  it("reads through a field map", () => {
    const mapped = { event: { category: "process" }, argv: ["a", "b.sh"] };
    const tree = explainQuery('process where process.args like "*.sh"', mapped, {
      fieldMap: { argv: "process.args" },
    });
    expect(formatExplanation(tree)).toContain('process.args[1] "b.sh" matched');
  });
});
