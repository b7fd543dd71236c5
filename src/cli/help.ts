/** Help text shared by the commands: exit statuses and examples. */
import { IGNORE_DIRECTIVE, LINT_TABLE } from "../rules/lint.js";

/** The exit statuses of a command that reads rule files only (check, test). */
export const RULE_EXIT_STATUS_HELP = `
Exit status:
  0  done, nothing wrong found
  1  findings or failures (see above)
  2  usage: unknown flag, bad value, missing rules path (found before any work starts)`;

/** The exit statuses of a command that reads events (query, run), and of the program as a whole. */
export const EXIT_STATUS_HELP = `
Exit status:
  0  done, nothing wrong found
  1  findings or failures (see each command); also an input file that turned out corrupt partway
     (truncated or corrupt gzip data): it is reported, the results read before it are kept, the
     other files are read, and the summary is printed
  2  usage: unknown flag, bad value, missing or unreadable input file (found before any work starts)`;

/** What both commands read, and how it is told apart. */
export const INPUT_HELP = `
Input: NDJSON, one JSON array, or JSON values one after another (pretty-printed), each possibly
gzip-compressed (detected from the bytes), from files or stdin ("-", or nothing when stdin is a
pipe). A line that is not a JSON object is reported as file:line, counted as rejected and skipped;
--strict stops at the first one. An input whose first line is a whole JSON value followed by more
lines is NDJSON, even when that line is an array; otherwise an input starting with "[" is one JSON
array, and one starting with "{" whose first line is not a whole value is JSON values. NDJSON lines
longer than --max-line-bytes (default 64 MiB) are rejected without being held in memory.

What a file holds is told from its first JSON object and named in the summary ("input: f.ndjson:
_bulk body (NDJSON), 1200 documents, 3 rejected"): plain documents; search hits
{_index,_id,_source}; Elasticsearch _search responses (scroll or PIT pages, Kibana Inspect's
{"rawResponse":...}), each hit an event; or a _bulk body (index/create actions and their source
lines; delete has no document; an update's partial document is rejected). A hit's or action's
_index and _id are the document's (rules' index patterns, de-duplication). A hit without _source,
and a record of another shape than the file's, are reported with file:line and rejected.`;

/** Examples and notes of `mini-eql query`. */
export const QUERY_HELP = `${INPUT_HELP}
--strict prints the results found before the rejected record, then the status is 1.

Event queries stream in constant memory and print matches in input order. Sequence queries stream
too: events must arrive in time order, or within --lateness milliseconds of the newest one (a later
event is rejected). Sample queries hold every candidate event until the input ends.

Results are not limited by default; --size N stops reading after N results (the summary counts
only the events read up to there), and "| head N" / "| tail N" in the query apply to the results
in input order.

Exit status 1: the query does not compile, --strict met a rejected line, or an input file could not
be read to its end (truncated or corrupt gzip).
${EXIT_STATUS_HELP}

Examples:
  $ mini-eql query 'process where process.name == "curl"' events.ndjson
  $ zcat logs.ndjson.gz | mini-eql query 'network where destination.port == 10250' -
  $ mini-eql query 'sequence by host.name [process where true] [network where true]' --lateness 5000 events.ndjson.gz
  $ mini-eql query 'any where true | tail 5' --format table events.json`;

/** Examples and notes of `mini-eql run`. */
export const RUN_HELP = `${INPUT_HELP}

Without --now, each rule runs as Kibana schedules it, following event time: every "interval" (at
multiples of it), each run searching the events of the rule's indices inside its look-back window
("from", e.g. now-9m); exceptions beside the rule file suppress matches; a run creates at most
max_signals alerts (the newest); identical alerts are de-duplicated. The clock is the newest event
time, so a file and the same bytes on stdin give the same alerts, and alerts are printed as soon
as the clock has passed their run (by more than --lateness). An event dated more than an hour
after both the clock and the current time does not move the clock (it is counted in the summary).

With --now TIME the input is one execution at TIME; with --no-window, one execution over every
event. Alerts are then printed when the input ends, or each as it is found with --max-signals 0 (no
limit on alerts per rule). --from/--to TIME search only events whose @timestamp is in [from, to);
the others are counted in the summary.

Output (--format): ndjson (the default through a pipe or into a file), json (one array), table (the
default on a terminal: time, severity, rule, host, user, process and the value the rule matched,
control characters escaped, fitted to COLUMNS or the terminal), csv (RFC 4180 with a header, the
table's columns plus rule_id, matched_field and alert_id; a field starting with = + - @ tab or CR
gets a leading ' so spreadsheets do not run it as a formula) or summary (the rules that alerted by
severity, with counts, tactics, first and last event times, and totals). --alert compact leaves the
rule's description, investigation guide and other repeated rule text out of each alert.

The rules to run can be narrowed when they are loaded: --min-severity, --tag (exact text, any of
them), --rule-id, --rule-name (substring, any case); filters that keep no rule are a usage error.
A summary goes to stderr: totals, then a line for each rule that alerted, failed or lost matches or
state (silent rules are only counted).

Memory stays bounded whatever the input size: rules keep only matches an open run may still alert
on (max_signals of them with --now or --no-window, none with --max-signals 0) and their sequences'
partial state; events must come in time order, or within --lateness milliseconds.

--workers N runs the rules in N threads, the main thread and N - 1 worker threads (default 1: every
rule in the main thread); what is printed is the same for any N. Each thread reads every event. With
--now or --no-window, events are shared out by host.id: each thread searches the events of its
hosts with the event rules and (unless --max-signals 0) the sequences joined on host.id, whose state
for a host only its thread holds; samples, other sequences and rules with | head or | tail run whole
in one thread (the main one when they cost less than a thread's part), over every event. Each thread parses every line, and over Elastic's 1,024 rules
two threads on two cores measured about 0.9x the throughput of one: try N > 1 on more cores, and
measure. Scheduled runs (without --now or --no-window) share out rules, not events: a run's alerts
depend on the matches of every host. The memory budget is split evenly between the threads when
shared sequences hold state, else in proportion to the rules each runs whole.

--follow FILE reads one file as it grows, as tail -F does: appended lines as they come (a last line
without its newline waits for it), the new file when another takes the name (rotation), and the file
from its start when it is truncated. Gzip input cannot be followed. While the file stays idle, the
clock moves to the current time every second, so runs that are due finish and print their alerts
without a newer event: a followed file is taken to be live, and events dated before the current time
by more than --lateness then come too late (they are counted as late in the summary).

--watch-rules loads the rules again when files under --rules change (after 300 ms without another
change), and says so on stderr ("rules reloaded: 1 changed, 0 added, 0 removed"). Rules whose
definition is unchanged keep their state, sequences half-way included; a changed rule starts afresh.
A file that fails to load is reported, and the rules it held before go on running. With --workers,
a rule that was running stays in its thread; new rules go to the least loaded one.

With --nats URL --partition K,L/N the command is a partition worker of a NATS JetStream deployment
(see mini-eql publish): it consumes those partitions of the events stream, publishes alerts to the
alerts stream (once each, by alert id), checkpoints its state in the server's key-value bucket and
resumes from it; one worker of the deployment also takes --whole-stream for the rules a partition
cannot answer alone. SIGINT or SIGTERM then checkpoints every partition and exits 0. Errors:
NATS_UNREACHABLE, NATS_NO_STREAM, NATS_LAYOUT_MISMATCH, NATS_PARTITION_OWNED (exit 1).

SIGINT or SIGTERM stops the reading, and the run ends as at the end of its input: the alerts still
held are printed, then the summary, with the usual exit status. A second signal exits at once.

Exit status 1: a rule file failed to load (the rules that load still run; a --rules path with no
rule runs nothing), a rule failed to run, --strict met a rejected line
(with --now or --no-window no alert is printed then: alerts come only from a whole execution), an input file could not be read to its end
(truncated or corrupt gzip), or --fail-on-alert and an alert was created.
${EXIT_STATUS_HELP}

Examples:
  $ mini-eql run --rules rules examples/kubelet-events.ndjson
  $ mini-eql run --rules rules/linux --now 2026-11-20T09:05:00Z events.ndjson.gz > alerts.ndjson
  $ cat events.ndjson | mini-eql run --rules a.toml --rules b.toml --fail-on-alert
  $ curl -s "$ES/logs-*/_search?size=1000" | mini-eql run --rules rules --no-window -
  $ mini-eql run --rules rules --format summary --min-severity high events.ndjson
  $ mini-eql run --rules rules --tag "Tactic: Discovery" --no-window --max-signals 0 --format csv events.ndjson > alerts.csv
  $ mini-eql run --rules rules --from 2026-11-20T09:00:00Z --to 2026-11-20T10:00:00Z --alert compact events.ndjson
  $ mini-eql run --rules rules --follow --watch-rules --lateness 5000 /var/log/app/events.ndjson
  $ mini-eql run --rules rules --nats nats://127.0.0.1:4222 --partition 0,3/6 --whole-stream --metrics 9464`;

/** The lint codes as `check --help` lists them: code, severity, on or off by default, what it finds. */
function lintCodeLines(): string {
  const width = Math.max(...LINT_TABLE.map((i) => i.code.length));
  return LINT_TABLE.map(
    (i) => `  ${i.code.padEnd(width)}  ${i.severity.padEnd(7)}  ${i.onByDefault ? "on " : "off"}  ${i.about}`,
  ).join("\n");
}

/** Examples and notes of `mini-eql check`. */
export const CHECK_HELP = `
Checks syntax, semantics (functions, types, sequence rules) and lint (wildcards in ==, case-sensitive
matching on attacker-controlled fields, fields unknown to ECS or of the wrong type, event categories
ECS does not list). Rule files are read strictly: unknown keys, a missing [rule] table or required
key, a rule_id used twice, events among the rules and a --rules path without rules are errors (see
rules/README.md), every one of them reported in one run. Each finding is printed as file:line:col
with the source line and a caret; a query given on the command line is named <query>. Errors come
first, then warnings and notes, each in the order of the codes below (likely bugs first). A table
of the findings per code (severity, count, how many were off or silenced) and the totals close the
output, on stderr.

Lint codes, in listing order (severity, listed by default or not):
${lintCodeLines()}

--enable and --disable turn codes on and off; findings of a code that is off are counted in the
table, not listed. A comment in a query silences codes for that query (that rule) alone:
  // ${IGNORE_DIRECTIVE} LINT_CASE_SENSITIVE, LINT_UNKNOWN_FIELD -- and why, if you like
Silenced findings are counted in the table too. The comment is EQL, so a rule file keeps loading
in Kibana and Elastic's detection-rules tooling.

Exit status 1: a listed finding at least as severe as --fail-level (default error: warnings and
notes leave it 0; warning: warnings too; info: any listed finding).
${RULE_EXIT_STATUS_HELP}

Examples:
  $ mini-eql check 'process where process.name == "curl*"'
  $ mini-eql check --rules rules
  $ mini-eql check --rules rules --enable LINT_CASE_SENSITIVE --fail-level warning
  $ mini-eql check --rules rules --disable LINT_NON_SCHEMA_FIELD,LINT_UNKNOWN_FIELD --fail-level warning
  $ mini-eql check --rules rules --no-schema`;

/** Examples and notes of `mini-eql test`. */
export const TEST_HELP = `
Runs every <rule>.fixtures.json under the directories against the rule file beside it, and explains
each failure (index, the query's condition tree, the exception that matched).

Exit status 1: a fixture failed, a fixture or rule file could not be read, or no fixture file was found.
${RULE_EXIT_STATUS_HELP}

Examples:
  $ mini-eql test --rules rules
  $ mini-eql test --rules rules --junit reports/rules.xml`;

/** Examples and notes of `mini-eql publish`. */
export const PUBLISH_HELP = `${INPUT_HELP}

Each event is published as its JSON text, one message each, to the JetStream stream (--stream,
default MINI_EQL_EVENTS) under the subject <subject>.<partition>.<key> (--subject, default events).
The key is the first of the --key fields the event has (default host.id, then host.name), read as a
sequence's "by" field reads it, percent-encoded into one subject token ("_" without one); the
partition is the FNV-1a hash of that token modulo --partitions (default 6), as the server's own
{{partition(n,1)}} mapping computes it, so every event of one host lands in one partition. A search
hit's or _bulk action's _index and _id go in the headers Mini-Eql-Index and Mini-Eql-Id (JSON text).

A missing stream is created (file storage, subjects <subject>.>) and its layout recorded in the
key-value bucket mini_eql under layout.<stream>. An existing stream is used with its recorded
layout; options given must agree with it (else NATS_LAYOUT_MISMATCH). Every message is acknowledged
by the server before the command ends (at most 1,024 in flight). The summary on stderr gives the
events published per partition and the rejected lines.

Exit status 1: the server is unreachable (NATS_UNREACHABLE), has no JetStream (NATS_NO_JETSTREAM),
the stream disagrees with the options (NATS_LAYOUT_MISMATCH), the server refused an event, --strict
met a rejected line, or an input file could not be read to its end.
${EXIT_STATUS_HELP}

Examples:
  $ nats-server -js -sd /var/lib/nats -a 127.0.0.1 &
  $ mini-eql publish --nats nats://127.0.0.1:4222 events.ndjson
  $ zcat logs.ndjson.gz | mini-eql publish --nats 127.0.0.1:4222 --partitions 12 -
  $ mini-eql publish --nats nats://127.0.0.1:4222 --stream K8S --subject k8s.events --key orchestrator.cluster.name,host.name audit.ndjson`;
