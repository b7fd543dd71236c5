/** The known-failures list and the ratchet that keeps it honest (it may only shrink). */
import type { CaseOutcome } from "./types.js";

/**
 * Known failures: suite folder name → spec file → case name → reason. Top-level keys starting
 * with `$` (e.g. `$comment`) are notes, not suites.
 */
export type KnownFailures = Record<string, Record<string, Record<string, string>>>;

/** One entry of the known-failures list. */
export interface KnownEntry {
  suite: string;
  file: string;
  name: string;
  reason: string;
}

/** The reason given to a failure added by {@link updateKnownFailures}; edit it by hand. */
export const PLACEHOLDER_REASON = "TODO: explain why this case fails";

/** What the ratchet decided about one run of a suite. */
export interface RatchetDecision {
  /** Failures not in the list. */
  unexpected: CaseOutcome[];
  /** Failures that are listed. */
  known: CaseOutcome[];
  /** Listed cases that now pass: remove them from the list. */
  fixed: KnownEntry[];
  /** Listed cases that the suite does not have: remove them from the list. */
  stale: KnownEntry[];
  /** 1 when anything above except `known` is non-empty, else 0. */
  exitCode: 0 | 1;
}

/** Validate parsed known-failures JSON. */
export function parseKnownFailures(value: unknown): KnownFailures {
  const bad = (where: string): never => {
    throw new Error(
      `known failures: ${where} must be an object of ${where === "top level" ? "suites" : "reasons"}`,
    );
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) bad("top level");
  const out: KnownFailures = {};
  for (const [suite, files] of Object.entries(value as Record<string, unknown>)) {
    if (suite.startsWith("$")) continue;
    if (files === null || typeof files !== "object" || Array.isArray(files)) bad(suite);
    out[suite] = {};
    for (const [file, cases] of Object.entries(files as Record<string, unknown>)) {
      if (cases === null || typeof cases !== "object" || Array.isArray(cases)) bad(`${suite}/${file}`);
      const reasons: Record<string, string> = {};
      for (const [name, reason] of Object.entries(cases as Record<string, unknown>)) {
        if (typeof reason !== "string") bad(`${suite}/${file}/${name}`);
        reasons[name] = reason as string;
      }
      out[suite]![file] = reasons;
    }
  }
  return out;
}

/** The entries listed for one suite (none when the suite is not in the list). */
export function entriesOf(known: KnownFailures, suite: string): KnownEntry[] {
  return Object.entries(known[suite] ?? {}).flatMap(([file, cases]) =>
    Object.entries(cases).map(([name, reason]) => ({ suite, file, name, reason })),
  );
}

/** The listed reason of a case, if it is listed. */
export function knownReason(
  known: KnownFailures,
  suite: string,
  file: string,
  name: string,
): string | undefined {
  const reasons = known[suite]?.[file];
  return reasons && Object.hasOwn(reasons, name) ? reasons[name] : undefined;
}

/** Decide a run of `suite`: which failures are unexpected and which list entries must go. */
export function decideRatchet(
  outcomes: readonly CaseOutcome[],
  known: KnownFailures,
  suite: string,
): RatchetDecision {
  const unexpected: CaseOutcome[] = [];
  const knownFailures: CaseOutcome[] = [];
  const byKey = new Map(outcomes.map((o) => [`${o.file}\u0000${o.name}`, o]));
  for (const o of outcomes) {
    if (o.status !== "failed") continue;
    (knownReason(known, suite, o.file, o.name) === undefined ? unexpected : knownFailures).push(o);
  }
  const fixed: KnownEntry[] = [];
  const stale: KnownEntry[] = [];
  for (const entry of entriesOf(known, suite)) {
    const o = byKey.get(`${entry.file}\u0000${entry.name}`);
    if (!o) stale.push(entry);
    else if (o.status === "passed") fixed.push(entry);
  }
  const exitCode = unexpected.length + fixed.length + stale.length > 0 ? 1 : 0;
  return { unexpected, known: knownFailures, fixed, stale, exitCode };
}

/** The list rewritten from a run of `suite`, plus what was added (with placeholder reasons) and removed. */
export function updateKnownFailures(
  known: KnownFailures,
  outcomes: readonly CaseOutcome[],
  suite: string,
): { known: KnownFailures; added: KnownEntry[]; removed: KnownEntry[] } {
  const added: KnownEntry[] = [];
  const files: Record<string, Record<string, string>> = {};
  for (const o of outcomes) {
    if (o.status !== "failed") continue;
    let reason = knownReason(known, suite, o.file, o.name);
    if (reason === undefined) {
      reason = PLACEHOLDER_REASON;
      added.push({ suite, file: o.file, name: o.name, reason });
    }
    files[o.file] ??= {};
    files[o.file]![o.name] = reason;
  }
  const removed = entriesOf(known, suite).filter((e) => files[e.file]?.[e.name] === undefined);
  const next: KnownFailures = { ...known };
  if (Object.keys(files).length > 0) next[suite] = files;
  else delete next[suite];
  return { known: next, added, removed };
}
