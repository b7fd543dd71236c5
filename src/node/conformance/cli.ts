/** The command line of the conformance runner: arguments, files, report and exit status. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { setHotAfter } from "../../compile/codegen.js";
import {
  decideRatchet,
  type KnownEntry,
  type KnownFailures,
  parseKnownFailures,
  updateKnownFailures,
} from "./known.js";
import { formatReport } from "./report.js";
import { runSuite } from "./run.js";
import { loadSuite } from "./suite.js";
import type { CompileFn } from "./types.js";

/** What the command line needs besides its arguments. */
export interface CliContext {
  compile: CompileFn;
  /** The known-failures file used unless `--known-failures` names another. */
  knownFailuresPath: string;
  /** Where report lines go (default `console.log`). */
  log?: (line: string) => void;
}

/** Parsed command-line arguments. */
export interface CliArgs {
  suiteDir: string;
  json?: string;
  knownFailures?: string;
  update: boolean;
}

/** The usage text. */
export const USAGE =
  "usage: npm run conformance -- <suite-dir> [--json <file>] [--known-failures <file>] [--update-known-failures]";

/** Parse arguments; throws with a message on bad usage. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: Partial<CliArgs> & { update: boolean } = { update: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a file name`);
      return v;
    };
    if (a === "--json") args.json = value();
    else if (a === "--known-failures") args.knownFailures = value();
    else if (a === "--update-known-failures") args.update = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else if (args.suiteDir === undefined) args.suiteDir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (args.suiteDir === undefined) throw new Error("missing <suite-dir>");
  return args as CliArgs;
}

function readKnown(path: string): { known: KnownFailures; notes: Record<string, unknown> } {
  if (!existsSync(path)) return { known: {}, notes: {} };
  const raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const notes = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith("$")));
  return { known: parseKnownFailures(raw), notes };
}

const entryLine = (e: KnownEntry) => `  ${e.suite} / ${e.file} / ${e.name}`;

/** Run the command line; resolves to the exit status (0 ok, 1 ratchet failed, 2 bad usage or suite). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const log = ctx.log ?? ((line: string) => console.log(line));
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    log(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const knownPath = args.knownFailures ?? ctx.knownFailuresPath;
  let suite: ReturnType<typeof loadSuite>;
  let known: ReturnType<typeof readKnown>;
  try {
    suite = loadSuite(args.suiteDir);
    known = readKnown(knownPath);
  } catch (e) {
    log(`cannot load: ${(e as Error).message}`);
    return 2;
  }
  for (const spec of suite.specs) {
    for (const c of spec.dataset.mappingConflicts)
      log(`note: dataset ${spec.dataset.name}: mapping conflict ${c}`);
  }
  // Generated filters from each query's first event on (they otherwise wait for a thousand), then
  // the same cases with closures only.
  const hot = setHotAfter(0);
  let outcomes: ReturnType<typeof runSuite>;
  try {
    outcomes = runSuite(suite, ctx.compile);
  } finally {
    setHotAfter(hot);
  }
  if (args.json !== undefined) writeFileSync(args.json, `${JSON.stringify(outcomes, null, 2)}\n`);
  const decision = decideRatchet(outcomes, known.known, suite.name);
  const lines = formatReport(suite.name, outcomes, decision);
  let exitCode: number = decision.exitCode;
  // With closures only (as where `new Function` is not allowed) every outcome must be the same.
  const compile = ctx.compile;
  const closures = runSuite(suite, (text, options) => compile(text, { ...options, codegen: false }));
  const differ = outcomes.filter((o, i) => JSON.stringify(o) !== JSON.stringify(closures[i]));
  lines.splice(
    lines.length - 1,
    0,
    differ.length === 0
      ? "codegen off: every case has the same outcome"
      : `codegen off: ${differ.length} cases differ`,
    ...differ.map((o) => `  ${o.file} / ${o.name}`),
  );
  if (differ.length > 0 && exitCode === 0) exitCode = 1;
  if (args.update) {
    const update = updateKnownFailures(known.known, outcomes, suite.name);
    writeFileSync(knownPath, `${JSON.stringify({ ...known.notes, ...update.known }, null, 2)}\n`);
    const notes = [`updated ${knownPath}: ${update.removed.length} removed, ${update.added.length} added`];
    if (update.added.length > 0)
      notes.push("write a reason for each added entry by hand:", ...update.added.map(entryLine));
    lines.splice(lines.length - 1, 0, ...notes);
    exitCode = 0;
  }
  for (const line of lines) log(line);
  return exitCode;
}
