/**
 * The command line, declared with commander: it parses flags, checks their values, and writes help
 * with examples; the commands themselves live in ./commands and are thin over the library. They are
 * imported when run, so --help and --version answer without loading the query engine.
 */

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { version } from "../../package.json";
import { LINT_TABLE, lintCodeInfo, nearestLintCode } from "../rules/lint.js";
import { SEVERITIES } from "../rules/select.js";
import { type CliContext, processContext } from "./context.js";
import { ExitCode, ExitError, UsageError } from "./errors.js";
import { CHECK_HELP, EXIT_STATUS_HELP, PUBLISH_HELP, QUERY_HELP, RUN_HELP, TEST_HELP } from "./help.js";
import { ALERT_FORMATS, FORMATS } from "./io/format.js";
import { printable } from "./term.js";

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a non-negative integer.");
  return Number(value);
}

function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError("expected a positive integer.");
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `--enable`/`--disable`: comma-separated lint codes, repeatable; a name that is not a lint code is refused. */
function lintCodes(value: string, previous: string[]): string[] {
  const codes = list(value);
  for (const code of codes) {
    if (lintCodeInfo(code)) continue;
    const near = nearestLintCode(code);
    throw new InvalidArgumentError(
      `${JSON.stringify(code)} is not a lint code${near ? `; did you mean ${near}?` : ""} (codes: ${LINT_TABLE.map((i) => i.code).join(", ")})`,
    );
  }
  return [...previous, ...codes];
}

/** Build the program; `run` receives each command's outcome (its exit status). */
export function buildProgram(
  context: (colour: boolean | undefined) => CliContext,
  done: (status: number) => void,
): Command {
  const program = new Command("mini-eql");
  const ctxOf = (cmd: Command) => context(cmd.optsWithGlobals().color as boolean | undefined);
  program
    .description(
      "Run Elastic EQL queries and detection rules over JSON events, with Elasticsearch's semantics.",
    )
    .version(version, "-V, --version", "print the version")
    .option(
      "--no-color",
      "never colour the output (colour is used only on a terminal, and never with NO_COLOR)",
    )
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", EXIT_STATUS_HELP)
    .exitOverride();

  program
    .command("query")
    .description("run one EQL query over events and print the results")
    .argument("<eql>", "the EQL query")
    .argument(
      "[files...]",
      'event files (NDJSON, JSON array or JSON values of documents, search hits, _search responses or a _bulk body; .gz of any); "-" or none for stdin',
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("ndjson"))
    .option("--category-field <field>", "field tested by `category where` (default: event.category)")
    .option("--timestamp-field <field>", "field that orders events (default: @timestamp)")
    .option("--tiebreaker-field <field>", "field that orders events with equal timestamps")
    .option("--size <n>", "stop after N results (default: no limit)", nonNegativeInt)
    .option("--mapping <file>", "Elasticsearch index mapping (JSON) for typed fields and aliases")
    .option(
      "--allow-unknown-fields",
      "with --mapping: read fields the mapping lacks without a type instead of rejecting the query",
    )
    .option(
      "--field-map <map>",
      'data field → ECS field, as aliases: a YAML/JSON file ("proc_name: process.name") or a built-in map (sysmon, auditd)',
    )
    .option(
      "--lateness <ms>",
      "sequences: how late (ms behind the newest event) an event may arrive",
      nonNegativeInt,
    )
    .option("--columns <fields>", "table format: comma-separated fields to show", list)
    .option(
      "--explain",
      "print each result as {event, explanation}: which clauses were true, which array element and pattern matched",
    )
    .option("--strict", "stop with status 1 at the first malformed input line")
    .option(
      "--max-line-bytes <n>",
      "NDJSON: reject lines longer than N bytes without holding them (default: 64 MiB)",
      positiveInt,
    )
    .option("-q, --quiet", "no warnings and no summary on stderr")
    .addHelpText("after", QUERY_HELP)
    .action(async (eql: string, files: string[], opts, cmd: Command) => {
      const { queryCommand } = await import("./commands/query.js");
      done(await queryCommand(eql, files, opts, ctxOf(cmd)));
    });

  program
    .command("run")
    .description("run detection rules over events and print alerts")
    .argument(
      "[files...]",
      'event files (NDJSON, JSON array or JSON values of documents, search hits, _search responses or a _bulk body; .gz of any); "-" or none for stdin',
    )
    .option("-r, --rules <path>", "rule file or directory (repeatable)", collect, [])
    .option(
      "--follow-symlinks",
      "follow symbolic links that lead out of a --rules directory (default: report them, not read them)",
    )
    .option(
      "--now <time>",
      'one execution at this time (ISO 8601, epoch ms or "now"): the look-back windows end here ' +
        "(default: each rule runs on its schedule as event time passes)",
    )
    .option("--no-window", "one execution that ignores the look-back windows: search every event")
    .option("--space <id>", "Kibana space the alert ids belong to", "default")
    .option(
      "--index <name>",
      "the index the input documents come from, for the rules' index patterns (default: every rule " +
        "searches every document; a search hit, _search response or _bulk action brings its own _index; fields of a document never decide)",
    )
    .option("--lateness <ms>", "sequence rules: how late (ms) an event may arrive", nonNegativeInt)
    .option("--mapping <file>", "Elasticsearch index mapping (JSON) for every rule's query")
    .option(
      "--allow-unknown-fields",
      "with --mapping: read fields the mapping lacks without a type instead of rejecting the query",
    )
    .option(
      "--field-map <map>",
      'data field → ECS field, as aliases: a YAML/JSON file ("proc_name: process.name") or a built-in map (sysmon, auditd)',
    )
    .option(
      "--memory-budget <MiB>",
      "memory the sequence and sample state of all rules may add to the process (default 256); past it the oldest is evicted",
      positiveInt,
    )
    .option("--allow-evictions", "exit 0 even when the memory budget evicted sequence state")
    .option("--fail-on-alert", "exit with status 1 when any alert is created")
    .option("--strict", "stop with status 1 at the first malformed input line")
    .option(
      "--max-line-bytes <n>",
      "NDJSON: reject lines longer than N bytes without holding them (default: 64 MiB)",
      positiveInt,
    )
    .option(
      "--workers <n>",
      "threads to run the rules in, the main thread and N - 1 worker threads (default 1: no worker thread; at most one per rule); with --now or --no-window the events are shared out by host.id",
      positiveInt,
    )
    .addOption(
      new Option(
        "-f, --format <format>",
        "alert output: NDJSON, one JSON array, a table, CSV, or a summary by rule (default: table on a terminal, else ndjson)",
      ).choices(ALERT_FORMATS),
    )
    .addOption(
      new Option(
        "--alert <detail>",
        "rule fields in each alert: full (Kibana's) or compact (without the description, investigation guide and other rule text)",
      )
        .choices(["full", "compact"])
        .default("full"),
    )
    .addOption(
      new Option("--min-severity <level>", "run only rules of this severity or higher").choices(SEVERITIES),
    )
    .option(
      "--tag <tag>",
      'run only rules with this tag, exactly as written ("Tactic: Discovery"); repeatable: any of them',
      collect,
      [],
    )
    .option("--rule-id <id>", "run only the rule with this rule_id (repeatable)", collect, [])
    .option("--rule-name <text>", "run only rules whose name contains this text (any case)")
    .option(
      "--max-signals <n>",
      "alerts per execution or run for every rule, in place of each rule's max_signals (0: no limit)",
      nonNegativeInt,
    )
    .option(
      "--from <time>",
      'search only events at or after this @timestamp (ISO 8601, epoch ms or "now"); others are counted',
    )
    .option("--to <time>", "search only events before this @timestamp; others are counted")
    .option(
      "--follow",
      "keep reading the one event file as it grows, across rotation and truncation (as tail -F); " +
        "while it is idle the clock moves to the current time",
    )
    .option(
      "--explain",
      "add to each alert mini_eql.explanation: its rule's clauses true or false, which array element and pattern matched",
    )
    .option(
      "--watch-rules",
      "load the rules again when files under --rules change; rules left unchanged keep their state",
    )
    .option(
      "--nats <url>",
      "be a partition worker: consume events from this NATS JetStream server (see --partition) instead of files",
    )
    .option(
      "--partition <k/n>",
      "with --nats: the partitions to consume, K/N or K,L/N (repeatable); one worker at a time owns a partition",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--stream <name>", "with --nats: the events stream (default MINI_EQL_EVENTS)")
    .option(
      "--alerts-stream <name>",
      "with --nats: the stream alerts are published to (default MINI_EQL_ALERTS)",
    )
    .option("--alerts-subject <prefix>", "with --nats: alerts go to PREFIX.<rule_id> (default alerts)")
    .option(
      "--checkpoint-events <n>",
      "with --nats: checkpoint each partition every N events (default 10000)",
      positiveInt,
    )
    .option(
      "--checkpoint-interval <ms>",
      "with --nats: or every MS milliseconds, whichever comes first (default 5000)",
      positiveInt,
    )
    .option(
      "--idle-advance <ms>",
      "with --nats: when a partition is caught up and idle this long, move its clock to the wall clock (default 2000; 0: never)",
      nonNegativeInt,
    )
    .option(
      "--lease <ms>",
      "with --nats: a worker that stopped renewing loses its partitions after MS (default 10000)",
      positiveInt,
    )
    .option(
      "--worker-name <name>",
      "with --nats: this worker's name (default <host>-<partitions>); the same name started again takes its partitions over at once",
    )
    .option(
      "--whole-stream",
      "with --nats: also consume the whole stream, in order, for the rules a partition cannot answer alone " +
        "(sequences not joined by the partition key, head/tail pipes); one worker of a deployment takes it",
    )
    .option(
      "--batch <n>",
      "with --nats: events fetched per request and partition (default 256); at most 4 batches are unacknowledged",
      positiveInt,
    )
    .option(
      "--metrics <[host:]port>",
      "with --nats: serve Prometheus metrics at http://HOST:PORT/metrics (host default 127.0.0.1)",
    )
    .option("--print", "with --nats: also print the alerts published (in --format)")
    .option("-q, --quiet", "no summary on stderr")
    .addHelpText("after", RUN_HELP)
    .action(async (files: string[], opts, cmd: Command) => {
      const { runCommand } = await import("./commands/run.js");
      done(await runCommand(files, opts, ctxOf(cmd)));
    });

  program
    .command("check")
    .description("check a query, or rule files, for errors and lint findings")
    .argument("[eql]", "an EQL query to check")
    .option("-r, --rules <path>", "rule file or directory to check (repeatable)", collect, [])
    .option(
      "--follow-symlinks",
      "follow symbolic links that lead out of a --rules directory (default: report them, not read them)",
    )
    .option("--no-schema", "do not check field names and types against ECS")
    .option("--mapping <file>", "Elasticsearch index mapping (JSON) used when compiling")
    .option(
      "--allow-unknown-fields",
      "with --mapping: read fields the mapping lacks without a type instead of rejecting the query",
    )
    .option(
      "--field-map <map>",
      'data field → ECS field, as aliases: a YAML/JSON file ("proc_name: process.name") or a built-in map (sysmon, auditd)',
    )
    .option(
      "--enable <codes>",
      "also list these lint codes, comma-separated (repeatable); LINT_CASE_SENSITIVE is off by default",
      lintCodes,
      [],
    )
    .option(
      "--disable <codes>",
      "do not list these lint codes, comma-separated (repeatable); they are still counted",
      lintCodes,
      [],
    )
    .addOption(
      new Option("--fail-level <severity>", "exit 1 when a listed finding is at least this severe")
        .choices(["error", "warning", "info"])
        .default("error"),
    )
    .addHelpText("after", CHECK_HELP)
    .action(async (eql: string | undefined, opts, cmd: Command) => {
      const { checkCommand } = await import("./commands/check.js");
      done(await checkCommand(eql, opts, ctxOf(cmd)));
    });

  program
    .command("test")
    .description("run every rule's fixtures (<rule>.fixtures.json)")
    .option("-r, --rules <dir>", "directory of rules and fixtures (repeatable)", collect, [])
    .option("--junit <file>", "also write the results as JUnit XML")
    .addHelpText("after", TEST_HELP)
    .action(async (opts, cmd: Command) => {
      const { testCommand } = await import("./commands/test.js");
      done(await testCommand(opts, ctxOf(cmd)));
    });

  program
    .command("publish")
    .description("publish events to a NATS JetStream stream, partitioned by host, for workers to share")
    .argument(
      "[files...]",
      'event files (NDJSON, JSON array or JSON values of documents, search hits, _search responses or a _bulk body; .gz of any); "-" or none for stdin',
    )
    .requiredOption("--nats <url>", "the NATS server (nats://host:port, or host:port)")
    .option("--stream <name>", "JetStream stream (default: MINI_EQL_EVENTS)")
    .option(
      "--subject <prefix>",
      "subject prefix: events go to <prefix>.<partition>.<key> (default: events, or as recorded)",
    )
    .option("--partitions <n>", "number of partitions (default: 6, or as recorded)", positiveInt)
    .option(
      "--key <fields>",
      "comma-separated fields, the first one present is the key (default: host.id,host.name, or as recorded)",
      list,
    )
    .option("--strict", "stop with status 1 at the first malformed input line")
    .option(
      "--max-line-bytes <n>",
      "NDJSON: reject lines longer than N bytes without holding them (default: 64 MiB)",
      positiveInt,
    )
    .option("-q, --quiet", "no warnings and no summary on stderr")
    .addHelpText("after", PUBLISH_HELP)
    .action(async (files: string[], opts, cmd: Command) => {
      const { publishCommand } = await import("./commands/publish.js");
      done(await publishCommand(files, opts, ctxOf(cmd)));
    });

  // Subcommands share the parent's error handling.
  for (const c of program.commands) c.exitOverride().showHelpAfterError("(add --help for usage)");
  return program;
}

/** Run the command line; resolves to the exit status (never calls process.exit itself). */
export async function main(argv: readonly string[], context = processContext): Promise<number> {
  let status: number = ExitCode.OK;
  const program = buildProgram(context, (s) => {
    status = s;
  });
  try {
    await program.parseAsync(argv as string[]);
    return status;
  } catch (e) {
    const ctx = context(undefined);
    if (e instanceof CommanderError) {
      // Help and --version end with status 0; every other parse problem is a usage error.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return ExitCode.OK;
      return ExitCode.USAGE;
    }
    if (e instanceof UsageError) {
      ctx.stderr.write(
        `mini-eql: ${ctx.err.red("error:")} ${printable(e.message, true)}\n(add --help for usage)\n`,
      );
      return ExitCode.USAGE;
    }
    if (e instanceof ExitError) {
      if (e.message) ctx.stderr.write(`mini-eql: ${printable(e.message, true)}\n`);
      return e.status;
    }
    ctx.stderr.write(
      `mini-eql: ${ctx.err.red("error:")} ${printable(e instanceof Error ? e.message : String(e), true)}\n`,
    );
    return ExitCode.FAILURE;
  }
}
