/** Shared rule objects and events for the rules-layer tests. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The shipped Kubelet rule file. */
export const kubeletFile = resolve(
  root,
  "rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml",
);

/** Its text. */
export const kubeletToml = readFileSync(kubeletFile, "utf8");

/** A small valid EQL rule in Kibana's shape. */
export function ruleObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rule_id: "00000000-0000-4000-8000-000000000001",
    name: "Curl to Kubelet",
    description: "curl talking to a Kubelet port",
    type: "eql",
    language: "eql",
    query: 'process where process.name == "curl" and process.args like "*:10250/*"',
    index: ["logs-endpoint.events.process*", "auditbeat-*"],
    risk_score: 47,
    severity: "medium",
    from: "now-9m",
    tags: ["Test"],
    threat: [
      {
        framework: "MITRE ATT&CK",
        tactic: {
          id: "TA0008",
          name: "Lateral Movement",
          reference: "https://attack.mitre.org/tactics/TA0008/",
        },
        technique: [
          { id: "T1021", name: "Remote Services", reference: "https://attack.mitre.org/techniques/T1021/" },
        ],
      },
    ],
    ...overrides,
  };
}

/** A process event for `ruleObject`'s query, at `time`. */
export function curlEvent(time: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@timestamp": time,
    event: { category: ["process"], type: ["start"], action: "exec", ingested: time },
    host: { name: "k8s-worker-02", os: { type: "linux" } },
    process: {
      name: "curl",
      pid: 4242,
      args: ["curl", "-sk", "https://10.0.4.17:10250/pods"],
      parent: { name: "bash" },
    },
    user: { name: "root" },
    ...extra,
  };
}
