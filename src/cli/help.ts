/** Help text shared by the commands: exit statuses and examples. */

/** The exit statuses, printed under every command's help. */
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
time, so a file and the same bytes on stdin give the same alerts, and alerts are printed as NDJSON as
soon as the clock has passed their run (by more than --lateness). An event dated more than an hour
after both the clock and the current time does not move the clock (it is counted in the summary).

With --now TIME the input is one execution at TIME; with --no-window, one execution over every
event. Alerts are then printed when the input ends. A summary goes to stderr.

Memory stays bounded whatever the input size: rules keep only matches an open run may still alert
on (max_signals of them with --now or --no-window) and their sequences' partial state; events must
come in time order, or within --lateness milliseconds.

The rules are shared out between --workers N threads (default: one per core). Each thread reads
every event and runs its rules, so what is printed is the same for any N; --workers 1 runs in one
thread. The memory budget is split evenly between the threads.

Exit status 1: a rule file failed to load or a rule failed to run, --strict met a rejected line
(with --now or --no-window no alert is printed then: alerts come only from a whole execution), an input file could not be read to its end
(truncated or corrupt gzip), or --fail-on-alert and an alert was created.
${EXIT_STATUS_HELP}

Examples:
  $ mini-eql run --rules rules examples/kubelet-events.ndjson
  $ mini-eql run --rules rules/linux --now 2026-11-20T09:05:00Z events.ndjson.gz > alerts.ndjson
  $ curl -s "$ES/logs-*/_search?size=1000" | mini-eql run --rules rules --no-window -
  $ cat events.ndjson | mini-eql run --rules a.toml --rules b.toml --fail-on-alert`;

/** Examples and notes of `mini-eql check`. */
export const CHECK_HELP = `
Checks syntax, semantics (functions, types, sequence rules) and lint (wildcards in ==, case-sensitive
matching on attacker-controlled fields, fields unknown to ECS or of the wrong type). Each finding is
printed as file:line:col with the source line and a caret; a query given on the command line is
named <query>.

Exit status 1: at least one finding is an error (warnings and notes leave it 0).
${EXIT_STATUS_HELP}

Examples:
  $ mini-eql check 'process where process.name == "curl*"'
  $ mini-eql check --rules rules
  $ mini-eql check --rules rules --no-schema`;

/** Examples and notes of `mini-eql test`. */
export const TEST_HELP = `
Runs every <rule>.fixtures.json under the directories against the rule file beside it, and explains
each failure (index, the query's condition tree, the exception that matched).

Exit status 1: a fixture failed, a fixture or rule file could not be read, or no fixture file was found.
${EXIT_STATUS_HELP}

Examples:
  $ mini-eql test --rules rules
  $ mini-eql test --rules rules --junit reports/rules.xml`;
