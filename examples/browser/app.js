// Browser usage of mini-eql: load Elastic's Kubelet rule (TOML) with its exceptions, run it over
// NDJSON events and show the alerts, all in the page with no server. `build.mjs` bundles this file.
import { compile, exceptionItemsFrom, ruleFromText, runRules } from "mini-eql";
import exceptionsDoc from "../../rules/linux/lateral_movement_direct_kubelet_access_via_process_args.exceptions.json";
import ruleText from "../../rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml";
import eventsText from "../kubelet-events.ndjson";

/** Run a rule (TOML text) over events (NDJSON text): alerts, the rule's report and rejected lines. */
export function evaluate(tomlText, ndjsonText, exceptions = []) {
  const rule = ruleFromText(tomlText, { file: "rule.toml", exceptions });
  const events = [];
  const rejected = [];
  ndjsonText.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      events.push(JSON.parse(line));
    } catch (e) {
      rejected.push({ line: i + 1, reason: e.message });
    }
  });
  // Example events are historical, so the look-back window is not applied.
  const { alerts, reports } = runRules([rule], events, { now: Date.now(), window: false });
  return { rule: rule.rule.name, events: events.length, rejected, alerts, report: reports[0] };
}

function render(result) {
  const lines = [
    `${result.rule}: ${result.events} events, ${result.report.matched} matched, ` +
      `${result.report.suppressed} suppressed, ${result.alerts.length} alerts`,
    ...result.rejected.map((r) => `line ${r.line} rejected: ${r.reason}`),
    ...result.alerts.map(
      (a) =>
        `${a["kibana.alert.original_time"]}  ${a["host.name"] ?? ""}  ${JSON.stringify(a["process.args"])}`,
    ),
  ];
  document.getElementById("output").textContent = lines.join("\n");
  document.body.dataset.alerts = String(result.alerts.length);
}

function run() {
  const rule = document.getElementById("rule").value;
  const events = document.getElementById("events").value;
  try {
    render(evaluate(rule, events, exceptionItemsFrom(exceptionsDoc)));
  } catch (e) {
    document.getElementById("output").textContent = String(e.message ?? e);
    document.body.dataset.alerts = "error";
  }
}

// The page's script runs after the body is parsed (it is the last element), so the DOM is there.
document.getElementById("rule").value = ruleText;
document.getElementById("events").value = eventsText;
document.getElementById("run").addEventListener("click", run);
// Exposed for the browser test, which also runs the rule's fixtures in the page.
globalThis.miniEqlExample = {
  evaluate,
  ruleText,
  eventsText,
  exceptionsDoc,
  lib: { compile, exceptionItemsFrom, ruleFromText, runRules },
};
run();
