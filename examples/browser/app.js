// The rule playground's page: editors, results, explanation, fixtures and shareable links. The logic is
// in playground.ts (the library's loaders, check, rule set, explain and fixtures); this file only
// reads the editors and draws the results. Text from the editors is only ever set as text content.

import { flatten } from "mini-eql";
import exceptionsText from "../../rules/linux/lateral_movement_direct_kubelet_access_via_process_args.exceptions.json?raw";
import fixturesText from "../../rules/linux/lateral_movement_direct_kubelet_access_via_process_args.fixtures.json?raw";
import ruleText from "../../rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml";
import eventsText from "../kubelet-events.ndjson";
import {
  backdropText,
  display,
  explainEvent,
  fixtureFileFor,
  queryFields,
  readEvents,
  readExceptions,
  readRules,
  runFixtures,
  runOnce,
  visible,
} from "./playground.ts";
import { decodeCase, encodeCase } from "./share.ts";

const EXAMPLE = { rule: ruleText, events: eventsText, exceptions: exceptionsText, fixtures: fixturesText };
const DEBOUNCE_MS = 250;
/** Events listed for choosing one to explain. */
const MAX_LISTED = 500;

const $ = (id) => document.getElementById(id);
const editors = {
  rule: $("rule"),
  events: $("events"),
  exceptions: $("exceptions"),
  fixtures: $("fixtures"),
};

/** Make an element with text content (never HTML) and optional class and attributes. */
function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  return node;
}

function say(message) {
  $("status").textContent = message;
}

// ---------------------------------------------------------------- editors with findings

/** Underline the findings in the editor's backdrop, which mirrors its text character for character. */
function drawBackdrop(textarea, findings) {
  const backdrop = textarea.parentElement.querySelector(".backdrop");
  const text = textarea.value;
  backdrop.replaceChildren();
  let at = 0;
  const spans = [...findings].sort((a, b) => a.start - b.start);
  for (const f of spans) {
    if (f.start < at) continue;
    backdrop.append(backdropText(text.slice(at, f.start)));
    const end = Math.max(f.start, f.end);
    const mark = el("mark", backdropText(text.slice(f.start, end)), { class: f.severity });
    if (end === f.start || text.slice(f.start, end) === "\n") mark.classList.add("empty");
    backdrop.append(mark);
    at = end;
  }
  // A trailing newline keeps the backdrop's last line as tall as the textarea's.
  backdrop.append(`${backdropText(text.slice(at))}\n`);
  syncScroll(textarea);
}

function syncScroll(textarea) {
  const backdrop = textarea.parentElement.querySelector(".backdrop");
  backdrop.scrollTop = textarea.scrollTop;
  backdrop.scrollLeft = textarea.scrollLeft;
}

/** List the findings under the editor; each one moves the caret to its place. */
function drawFindings(list, textarea, findings) {
  list.replaceChildren(
    ...findings.map((f) => {
      const button = el("button", null, { type: "button" });
      button.append(
        el("span", `${f.line}:${f.column} `),
        el("span", f.severity, { class: `sev ${f.severity}` }),
        el("span", `: ${visible(f.message)} `),
        el("span", `[${f.code}]`, { class: "code" }),
      );
      if (f.hint) button.append(el("span", `hint: ${visible(f.hint)}`, { class: "hint" }));
      button.addEventListener("click", () => {
        textarea.focus();
        textarea.setSelectionRange(f.start, Math.max(f.start, f.end));
        // Bring the line into view: the caret's line times the line height.
        const lineHeight = Number.parseFloat(getComputedStyle(textarea).lineHeight) || 18;
        textarea.scrollTop = Math.max(0, (f.line - 3) * lineHeight);
      });
      return el("li", null).appendChild(button).parentElement;
    }),
  );
  textarea.setAttribute("aria-invalid", String(findings.some((f) => f.severity === "error")));
}

// ---------------------------------------------------------------- results

function valuesCell(values) {
  const td = el("td", null, { class: "values" });
  for (const v of values) {
    const line = el("span");
    line.append(el("b", `${visible(v.field)}: `), display(v.value));
    td.append(line);
  }
  return td;
}

function alertTable(rows, caption) {
  const table = el("table");
  table.append(el("caption", caption, { class: "visually-hidden" }));
  const head = el("tr");
  for (const h of ["Time", "Severity", "Rule", "Host", "Matched values", "Event"])
    head.append(el("th", h, { scope: "col" }));
  const thead = el("thead");
  thead.append(head);
  table.append(thead);
  const body = el("tbody");
  for (const r of rows) {
    const tr = el("tr");
    // The ISO time may break after its date.
    const time = el("td", null, { class: "time" });
    const [date, ...rest] = display(r.time).split("T");
    time.append(date, ...(rest.length > 0 ? [el("wbr"), `T${rest.join("T")}`] : []));
    tr.append(time);
    tr.append(el("td", display(r.severity)), el("td", display(r.rule)));
    tr.append(el("td", display(r.host)), valuesCell(r.values));
    const cell = el("td");
    if (r.event !== undefined) {
      const b = el("button", `Explain #${r.event + 1}`, {
        type: "button",
        "aria-label": `Explain event ${r.event + 1}`,
      });
      b.addEventListener("click", () => select(r.event, true));
      cell.append(b);
    }
    tr.append(cell);
    body.append(tr);
  }
  table.append(body);
  return table;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One short line about an event: its time, host and the values of the fields the rules read. */
function eventLine(event, i, fields) {
  const time = event["@timestamp"];
  const flat = flatten(event);
  const shown = fields
    .filter((f) => flat[f] !== undefined && f !== "@timestamp")
    .slice(0, 5)
    .map((f) => `${visible(f)}=${display(flat[f])}`);
  return `#${i + 1} ${time === undefined ? "(no @timestamp)" : display(time)}  ${shown.join("  ")}`;
}

const state = { rules: [], events: [], offsets: [], selected: undefined, matchedEvents: new Set() };

function drawEvents() {
  const list = $("event-list");
  const fields = [
    ...new Set(["host.name", ...state.rules.flatMap((r) => queryFields(r.compiled.statement))]),
  ];
  // A long file lists its first events (and the chosen one); the results count every event.
  const shown = state.events.slice(0, MAX_LISTED).map((_, i) => i);
  if (state.selected !== undefined && state.selected >= MAX_LISTED) shown.push(state.selected);
  list.replaceChildren(
    ...shown.map((i) => {
      const event = state.events[i];
      const pressed = state.selected === i;
      const label = `${eventLine(event, i, fields)}${state.matchedEvents.has(i) ? "  [alert]" : ""}`;
      const b = el("button", label, {
        type: "button",
        "aria-pressed": String(pressed),
        "data-event": String(i),
      });
      b.addEventListener("click", () => select(i, false));
      const li = el("li");
      li.append(b);
      return li;
    }),
  );
  if (state.events.length === 0) list.append(el("li", "No events.", { class: "note" }));
  const more = state.events.length - shown.length;
  if (more > 0) list.append(el("li", `… and ${plural(more, "more event")}, not listed.`, { class: "note" }));
}

function treeItem(node) {
  const li = el("li");
  li.append(
    el("span", node.result ? "[true ] " : "[false] ", { class: node.result ? "t" : "f" }),
    visible(node.text),
  );
  for (const m of node.matched ?? []) li.append(el("span", visible(m), { class: "why" }));
  if (node.children?.length) {
    const ul = el("ul");
    for (const c of node.children) ul.append(treeItem(c));
    li.append(ul);
  }
  return li;
}

function drawExplanation() {
  const box = $("explanation");
  box.replaceChildren();
  const event = state.events[state.selected];
  if (event === undefined || state.rules.length === 0) {
    box.append(
      el("p", state.rules.length === 0 ? "No rule to explain." : "Choose an event above.", { class: "note" }),
    );
    return;
  }
  box.append(el("p", `Event #${state.selected + 1}`));
  for (const x of explainEvent(state.rules, event)) {
    if (state.rules.length > 1) box.append(el("h3", visible(x.rule)));
    if (x.index) box.append(el("p", visible(x.index), { class: "fail" }));
    const tree = el("ul", null, {
      class: "tree",
      "aria-label": `How ${visible(x.rule)} decides on event ${state.selected + 1}`,
    });
    tree.append(treeItem(x.tree));
    box.append(tree);
    if (x.exception) box.append(el("p", visible(x.exception), { class: "fail" }));
  }
}

function select(i, scroll) {
  state.selected = i;
  drawEvents();
  drawExplanation();
  // From an alert's button: move to the explanation (its heading takes the focus, for the keyboard).
  if (scroll) $("explain-title").focus();
  // Keep the selected event's place in the events editor for the keyboard user.
  const start = state.offsets[i];
  if (start !== undefined && scroll === false) editors.events.setSelectionRange(start, start);
}

function drawFixtures(rule) {
  const { rows, error } = runFixtures(rule, editors.fixtures.value);
  const list = $("fixture-list");
  const summary = $("fixture-summary");
  list.replaceChildren();
  if (error) {
    summary.replaceChildren(el("span", `Fixtures cannot run: ${visible(error)}`, { class: "fail" }));
    return;
  }
  if (rows.length === 0) {
    summary.textContent = "No fixtures: paste a fixture file under “Fixtures” to check the rule against it.";
    return;
  }
  const failed = rows.filter((r) => !r.ok).length;
  summary.replaceChildren(
    el("span", `${rows.length - failed} passed`, { class: "pass" }),
    ", ",
    el("span", `${failed} failed`, { class: failed ? "fail" : "" }),
  );
  for (const r of rows) {
    const li = el("li", null, { "data-ok": String(r.ok) });
    li.append(
      el("span", r.ok ? "PASS " : "FAIL ", { class: r.ok ? "pass sev" : "fail sev" }),
      el("span", `${visible(r.id)}: ${visible(r.label)} `),
      el("span", r.ok ? `(${r.expect})` : `(expected ${r.expect}, got ${r.actual})`, { class: "code" }),
    );
    if (r.message) li.append(el("pre", visible(r.message, false), { class: "block" }));
    list.append(li);
  }
}

function drawResults(result) {
  const alertsBox = $("alerts");
  alertsBox.replaceChildren(
    result.alerts.length > 0 ? alertTable(result.alerts, "Alerts") : el("p", "No alerts.", { class: "note" }),
  );
  const seqBox = $("sequences");
  seqBox.replaceChildren();
  result.sequences.forEach((s, i) => {
    const box = el("section", null, { class: "sequence", "aria-label": `Sequence ${i + 1}` });
    box.append(
      el(
        "h3",
        `Sequence ${i + 1}: ${display(s.rule)} (${display(s.severity)}), ${plural(s.rows.length, "event")}, from ${display(s.time)}`,
      ),
    );
    const wrap = el("div", null, { class: "scroll" });
    wrap.append(alertTable(s.rows, `Events of sequence ${i + 1}`));
    box.append(wrap);
    seqBox.append(box);
  });
  if (result.sequences.length === 0) seqBox.append(el("p", "No sequences.", { class: "note" }));
  state.matchedEvents = new Set(
    [...result.alerts, ...result.sequences.flatMap((s) => s.rows)]
      .map((r) => r.event)
      .filter((e) => e !== undefined),
  );
}

function summaryLine(result, rules, events) {
  const parts = [`${plural(rules.length, "rule")}, ${plural(events.length, "event")}`];
  const count = (key) => result.reports.reduce((n, r) => n + r[key], 0);
  parts.push(`${plural(result.alerts.length, "alert")}`, `${plural(result.sequences.length, "sequence")}`);
  if (count("suppressed") > 0) parts.push(`${count("suppressed")} suppressed by exceptions`);
  if (count("dropped") > 0) parts.push(`${count("dropped")} more matches left out by max_signals`);
  if (count("skipped") > 0) parts.push(`${count("skipped")} skipped (no usable timestamp)`);
  for (const r of result.reports)
    if (r.error) parts.push(`${visible(r.name)} failed: ${visible(r.error.message)}`);
  return parts.join("; ");
}

// ---------------------------------------------------------------- the update loop

function update() {
  const exceptions = readExceptions(editors.exceptions.value);
  const rules = readRules(editors.rule.value, exceptions.items);
  const events = readEvents(editors.events.value);
  drawBackdrop(editors.rule, rules.findings);
  drawFindings($("rule-findings"), editors.rule, rules.findings);
  drawBackdrop(editors.events, events.findings);
  drawFindings($("events-findings"), editors.events, events.findings);
  drawBackdrop(editors.exceptions, exceptions.findings);
  drawFindings($("exceptions-findings"), editors.exceptions, exceptions.findings);
  if (exceptions.findings.length > 0) $("exceptions-details").open = true;

  state.rules = rules.rules;
  state.events = events.events;
  state.offsets = events.offsets;
  if (state.selected !== undefined && state.selected >= state.events.length) state.selected = undefined;
  const result = runOnce(rules.rules, events.events);
  drawResults(result);
  $("summary").textContent =
    rules.rules.length === 0
      ? "No rule runs: fix the errors in the rule."
      : summaryLine(result, rules.rules, events.events);
  drawEvents();
  drawExplanation();
  drawFixtures(rules.rules[0]);
  document.body.dataset.alerts = String(result.alerts.length);
  document.body.dataset.sequences = String(result.sequences.length);
  document.body.dataset.updated = String(Number(document.body.dataset.updated ?? 0) + 1);
  saveToAddress();
}

let timer;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, DEBOUNCE_MS);
}

// ---------------------------------------------------------------- the case in the address

function currentCase() {
  return {
    rule: editors.rule.value,
    events: editors.events.value,
    exceptions: editors.exceptions.value,
    fixtures: editors.fixtures.value,
  };
}

let saving = Promise.resolve();
function saveToAddress() {
  const c = currentCase();
  saving = saving
    .then(() => encodeCase(c))
    .then((fragment) => history.replaceState(null, "", `#${fragment}`))
    .catch((e) => say(`The link could not be updated: ${visible(String(e?.message ?? e))}`));
  return saving;
}

function fill(c) {
  for (const key of Object.keys(editors)) editors[key].value = c[key] ?? "";
  state.selected = undefined;
}

async function start() {
  const fragment = location.hash.slice(1);
  let loaded = false;
  if (fragment !== "") {
    try {
      fill(await decodeCase(fragment));
      loaded = true;
      say("Loaded the case from the link.");
    } catch (e) {
      say(`The link's case could not be read (${visible(String(e?.message ?? e))}); showing the example.`);
    }
  }
  if (!loaded) fill(EXAMPLE);
  update();
  showQuery();
}

/** Scroll the rule editor to the rule's query, which a TOML rule keeps below its metadata. */
function showQuery() {
  const text = editors.rule.value;
  const at = text.search(/^\s*"?query"?\s*[=:]/m);
  if (at <= 0) return;
  const line = text.slice(0, at).split("\n").length;
  const lineHeight = Number.parseFloat(getComputedStyle(editors.rule).lineHeight) || 18;
  editors.rule.scrollTop = Math.max(0, (line - 2) * lineHeight);
  syncScroll(editors.rule);
}

// ---------------------------------------------------------------- wiring

for (const textarea of Object.values(editors)) {
  textarea.addEventListener("input", schedule);
  if (textarea.parentElement.classList.contains("editor")) {
    textarea.addEventListener("scroll", () => syncScroll(textarea));
    // Dropping a file on an editor replaces its text with the file's.
    const box = textarea.parentElement;
    box.addEventListener("dragover", (e) => {
      e.preventDefault();
      box.classList.add("dragging");
    });
    box.addEventListener("dragleave", () => box.classList.remove("dragging"));
    box.addEventListener("drop", async (e) => {
      e.preventDefault();
      box.classList.remove("dragging");
      const file = e.dataTransfer?.files?.[0];
      if (!file) return;
      textarea.value = await file.text();
      say(`Read ${visible(file.name)} (${file.size} bytes).`);
      update();
    });
  }
}

$("reset").addEventListener("click", () => {
  fill(EXAMPLE);
  update();
  showQuery();
  say("Loaded the example.");
});

async function copyText(text, what, otherwise) {
  try {
    await navigator.clipboard.writeText(text);
    say(`Copied ${what}.`);
    return true;
  } catch {
    say(`The clipboard is not available here: ${otherwise}`);
    return false;
  }
}

$("copy-link").addEventListener("click", async () => {
  await saveToAddress();
  await copyText(location.href, "the link", "copy the address from the address bar.");
});

$("copy-fixtures").addEventListener("click", async () => {
  const text = fixtureFileFor(state.rules[0], state.events);
  const out = $("fixture-out");
  out.value = text;
  out.hidden = false;
  $("fixture-out-label").hidden = false;
  await copyText(text, "the fixture file", "select and copy it from the box below.");
});

// Tests and curious users can reach the case from the console.
globalThis.miniEqlPlayground = { currentCase, update, saved: () => saving };

start();
