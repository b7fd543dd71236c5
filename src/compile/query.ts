/** Compiles an event filter (`category where condition`) into a predicate over events. */
import type { EventQuery } from "../ast/nodes.js";
import { resolveField } from "../mapping.js";
import { type FieldReader, fieldReader } from "../runtime/fields.js";
import { tieredFilter } from "./codegen.js";
import type { CompileEnv } from "./env.js";
import { compilePredicate } from "./predicate.js";
import { checkQueryable, failUnknownField, verifying } from "./verify.js";

/** A compiled event filter. */
export type EventFilter = (event: unknown) => boolean;

/** Compile the category test and the condition of an event query. */
export function compileEventFilter(query: EventQuery, env: CompileEnv, categoryField: string): EventFilter {
  const cond = compilePredicate(query.condition, env);
  const category = query.category;
  let inCategory: EventFilter | null = null;
  let categoryTest: { reader: FieldReader; category: string } | null = null;
  if (category !== null) {
    const { name, def } = resolveField(env.mapping, categoryField);
    if (verifying(env)) {
      // Elasticsearch reports the missing category field at the start of the event query.
      const span = { ...query.span, end: query.span.start + 1 };
      const field = {
        kind: "field" as const,
        path: [categoryField],
        name: categoryField,
        optional: false,
        span,
      };
      if (def !== undefined) checkQueryable(env, field, def);
      else if (env.allowUnknownFields !== true) failUnknownField(env, categoryField, span);
    }
    const reader = env.fields ? env.fields.reader([name]) : fieldReader([name]);
    // Exact, case-sensitive equality on any element of the category field.
    const visit = (v: unknown) => v === category;
    inCategory = (e) => reader.each(e, visit) === 2;
    categoryTest = { reader, category };
  }
  if (cond.isConst) {
    if (cond.constant !== true) return () => false;
    return inCategory ?? (() => true);
  }
  const test = cond.test;
  const cat = inCategory;
  const closures: EventFilter = cat === null ? (e) => test(e) === true : (e) => cat(e) && test(e) === true;
  return env.codegen ? tieredFilter(categoryTest, cond, closures) : closures;
}
