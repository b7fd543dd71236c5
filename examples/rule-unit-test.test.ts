/**
 * How a rule author unit-tests a rule with mini-eql's testing helpers (`mini-eql/testing`; inside this
 * repository the import is the source path). Load the rule file as Elastic ships it, then state which
 * events must alert and which must not. A failing assertion prints the query as a tree with true/false
 * per condition, so the reason is visible without a debugger.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ruleFromText } from "../src/rules/from-text.js";
import {
  assertRule,
  expectFixturesToPass,
  expectRuleNotToFire,
  expectRuleToFire,
} from "../src/testing/index.js";

const rulesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../rules");
const file = resolve(rulesDir, "linux/lateral_movement_direct_kubelet_access_via_process_args.toml");
const rule = ruleFromText(readFileSync(file, "utf8"), { file });

/** A Linux process start as Elastic Defend reports it. */
function exec(name: string, executable: string, args: string[], os = "linux") {
  return {
    "@timestamp": "2026-05-04T10:00:00Z",
    event: { category: ["process"], type: ["start"], action: "exec" },
    host: { name: "k8s-worker-02", os: { type: os } },
    process: { name, executable, args, parent: { name: "bash" } },
    user: { name: "root" },
  };
}

describe("Potential Direct Kubelet Access via Process Arguments", () => {
  it("fires on curl and on a dropped binary calling the Kubelet API", () => {
    expectRuleToFire(rule, [
      exec("curl", "/usr/bin/curl", ["curl", "-sk", "https://10.0.4.17:10250/pods"]),
      exec("kprobe", "/tmp/kprobe", ["/tmp/kprobe", "http://10.0.4.17:10255/metrics"]),
    ]);
  });

  it("stays quiet for kubectl, other ports and Windows hosts", () => {
    assertRule(rule, {
      doesNotFire: [
        exec("kubectl", "/usr/bin/kubectl", [
          "kubectl",
          "--server",
          "https://10.0.4.17:10250/",
          "get",
          "pods",
        ]),
        exec("curl", "/usr/bin/curl", ["curl", "http://10.0.4.17:10256/healthz"]),
        exec(
          "curl.exe",
          "C:\\Windows\\System32\\curl.exe",
          ["curl.exe", "https://10.0.4.17:10250/pods"],
          "windows",
        ),
      ],
    });
  });

  it("explains a failed expectation with the condition tree", () => {
    const windows = exec("curl", "/usr/bin/curl", ["curl", "https://10.0.4.17:10250/pods"], "windows");
    expect(() => expectRuleToFire(rule, windows)).toThrow(/\[false\] host\.os\.type == "linux"/);
    expectRuleNotToFire(rule, windows);
  });

  it("passes the fixture files kept beside the rules", () => {
    expect(expectFixturesToPass(rulesDir)).toBeGreaterThan(20);
  });
});
