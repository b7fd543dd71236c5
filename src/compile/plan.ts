/** Builds the executable plan of a statement: event filters, sequence stages or sample terms. */
import type { Field, SampleQuery, SequenceQuery, Statement, Term } from "../ast/nodes.js";
import { compileKeys } from "../engine/keys.js";
import type { SampleTerm } from "../engine/sample.js";
import type { SequencePlan, StagePlan } from "../engine/sequence.js";
import type { EqlWarning } from "../errors.js";
import { resolveField } from "../mapping.js";
import type { EqlEvent } from "../types.js";
import type { CompileEnv } from "./env.js";
import { compileEventFilter, type EventFilter } from "./query.js";
import { checkKeyTypes, checkQueryable, failUnknownField, verifying } from "./verify.js";

/** The compiled form of a statement. */
export interface Plan {
  /** True when an event satisfies the event query, or any term of a sequence or sample. */
  readonly matchAny: EventFilter;
  readonly sequence: (SequencePlan & { readonly dateKeys: readonly boolean[] }) | null;
  readonly sample: { readonly terms: readonly SampleTerm[]; readonly dateKeys: readonly boolean[] } | null;
  readonly warnings: readonly EqlWarning[];
}

function anyOf(filters: readonly EventFilter[]): EventFilter {
  if (filters.length === 1) return filters[0] as EventFilter;
  return (e) => {
    for (const f of filters) if (f(e)) return true;
    return false;
  };
}

/** `filter` restricted to the events `gate` lets through (a gate that throws lets nothing through). */
function gated(filter: EventFilter, gate: ((event: EqlEvent) => boolean) | undefined): EventFilter {
  if (!gate) return filter;
  return (e) => {
    let pass = false;
    try {
      pass = gate(e as EqlEvent) === true;
    } catch {
      pass = false;
    }
    return pass && filter(e);
  };
}

/**
 * With a mapping: every key must be a field Elasticsearch can query, and the keys at one position
 * must have compatible types in every term (checked against the first term, as Elasticsearch does).
 */
function verifyKeys(q: SequenceQuery | SampleQuery, env: CompileEnv): void {
  const terms = q.kind === "sequence" && q.until ? [...q.terms, q.until] : q.terms;
  const keyed = terms.map((t) =>
    [...q.by, ...t.by].map((k) => {
      const field = k as Field;
      const { def } = resolveField(env.mapping, field.name);
      if (def !== undefined) checkQueryable(env, field, def);
      else if (!field.optional && env.allowUnknownFields !== true)
        failUnknownField(env, field.name, field.span);
      return { field, def };
    }),
  );
  const first = keyed[0] ?? [];
  const kind = q.kind === "sequence" ? "Sequence" : "Sample";
  for (const keys of keyed.slice(1)) {
    keys.forEach((k, i) => {
      const expected = first[i];
      if (expected) checkKeyTypes(env, kind, expected, k);
    });
  }
}

/**
 * Compile `statement` in `env`. `gate` (the request's `filter`) hides events from every term,
 * including `until` and missing-event lookups.
 */
export function buildPlan(
  statement: Statement,
  env: CompileEnv,
  categoryField: string,
  gate?: (event: EqlEvent) => boolean,
): Plan {
  const q = statement.query;
  if (q.kind === "event") {
    const f = gated(compileEventFilter(q, env, categoryField), gate);
    return { matchAny: f, sequence: null, sample: null, warnings: env.warnings };
  }
  if (verifying(env)) verifyKeys(q, env);
  const termFilter = (t: Term) => gated(compileEventFilter(t.filter, env, categoryField), gate);
  const termKeys = (t: Term) => compileKeys([...q.by, ...t.by], env.mapping, env.fields);
  if (q.kind === "sample") {
    const terms: SampleTerm[] = q.terms.map((t) => ({ filter: termFilter(t), keys: termKeys(t) }));
    const dateKeys = (terms[0]?.keys ?? []).map((k) => k.kind === "date");
    return {
      matchAny: anyOf(terms.map((t) => t.filter)),
      sequence: null,
      sample: { terms, dateKeys },
      warnings: env.warnings,
    };
  }
  const stages: StagePlan[] = [];
  for (const t of q.terms) {
    const stage: StagePlan = { filter: termFilter(t), keys: termKeys(t), missing: t.missing };
    for (let r = 0; r < (t.runs ?? 1); r++) stages.push(stage);
  }
  const until = q.until ? { filter: termFilter(q.until), keys: termKeys(q.until) } : null;
  const filters = stages.map((s) => s.filter);
  if (until) filters.push(until.filter);
  return {
    matchAny: anyOf(filters),
    sequence: {
      stages,
      until,
      maxspan: q.maxspan ? q.maxspan.millis : null,
      dateKeys: (stages.find((s) => !s.missing)?.keys ?? []).map((k) => k.kind === "date"),
    },
    sample: null,
    warnings: env.warnings,
  };
}
