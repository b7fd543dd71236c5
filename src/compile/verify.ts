/**
 * The checks Elasticsearch's EQL verifier makes against an index mapping: fields it cannot query
 * (geo, range, nested, object and unknown types), `text` fields without an exact (keyword)
 * sub-field, unknown fields, and the types of `in` lists and join keys. They apply only when a
 * mapping is given; without one every field has an unknown type and nothing here fires.
 */
import type { Expr, Field, Span } from "../ast/nodes.js";
import { ErrorCodes } from "../errors.js";
import { type FieldMapping, type Mapping, NUMERIC_TYPES, STRING_TYPES } from "../mapping.js";
import { type CompileEnv, fail } from "./env.js";

/** Mapped types Elasticsearch's query language layer knows; any other type cannot be queried. */
const QUERYABLE = new Set([
  "boolean",
  "byte",
  "short",
  "integer",
  "long",
  "unsigned_long",
  "double",
  "float",
  "half_float",
  "scaled_float",
  "token_count",
  "keyword",
  "constant_keyword",
  "wildcard",
  "text",
  "match_only_text",
  "date",
  "date_nanos",
  "ip",
  "version",
  "binary",
  "alias",
]);

/** The name Elasticsearch gives a mapped type in messages about data types (`date` is `datetime`). */
export function dataTypeName(type: string): string {
  if (type === "date" || type === "date_nanos") return "datetime";
  if (type === "constant_keyword" || type === "wildcard") return "keyword";
  if (type === "match_only_text") return "text";
  if (type === "token_count") return "integer";
  return type;
}

/** The type of a literal as Elasticsearch names it (`"x"` is a keyword). */
function literalTypeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return "keyword";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "double";
  return "unsupported";
}

/** Elasticsearch's compatibility of two data types (same type, both strings, both numbers, or a null). */
function compatible(a: string, b: string): boolean {
  if (a === b || a === "null" || b === "null") return true;
  if (STRING_TYPES.has(a) && STRING_TYPES.has(b)) return true;
  if (NUMERIC_TYPES.has(a) && NUMERIC_TYPES.has(b)) return true;
  return dataTypeName(a) === dataTypeName(b);
}

/** True when the checks of this module apply: a mapping with at least one field was given. */
export function verifying(env: CompileEnv): boolean {
  return env.mapping.fields.size > 0;
}

/** Fail when the mapped field `written` (resolved to `def`) has a type Elasticsearch cannot query. */
export function checkQueryable(env: CompileEnv, field: Field, def: FieldMapping): void {
  const name = field.name;
  if (def.type === "nested") {
    fail(
      env,
      ErrorCodes.UNSUPPORTED_FIELD_TYPE,
      `Cannot use field [${name}] type [nested] due to nested fields not being supported yet`,
      field.span,
    );
  }
  if (def.nestedIn !== undefined) {
    fail(
      env,
      ErrorCodes.UNSUPPORTED_FIELD_TYPE,
      `Cannot use field [${name}] type [${dataTypeName(def.type)}] with unsupported nested type in hierarchy (field [${def.nestedIn}])`,
      field.span,
    );
  }
  if (def.type === "object") {
    fail(
      env,
      ErrorCodes.UNSUPPORTED_FIELD_TYPE,
      `Cannot use field [${name}] type [object] only its subfields`,
      field.span,
    );
  }
  if (!QUERYABLE.has(def.type)) {
    fail(
      env,
      ErrorCodes.UNSUPPORTED_FIELD_TYPE,
      `Cannot use field [${name}] with unsupported type [${def.type}]`,
      field.span,
    );
  }
}

/** Similarity of two names as Lucene's `LevenshteinDistance` scores it (1 is equal). */
function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  if (n === 0) return 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j - 1] as number) + 1, (prev[j] as number) + 1, (prev[j - 1] as number) + cost);
    }
    prev = row;
  }
  return 1 - (prev[b.length] as number) / n;
}

/** Mapped names close to `name`, best first (at most five), as Elasticsearch suggests them. */
export function similarFields(mapping: Mapping, name: string): string[] {
  const scored: [string, number][] = [];
  for (const [candidate, def] of mapping.fields) {
    // Objects and nested fields are not columns (only their leaves are).
    if (def.type === "object" || def.type === "nested") continue;
    // The distance is at least the difference in length: skip names that cannot reach 0.5.
    const longer = Math.max(name.length, candidate.length);
    if (Math.abs(name.length - candidate.length) > longer / 2) continue;
    const s = similarity(name, candidate);
    if (s >= 0.5) scored.push([candidate, s]);
  }
  scored.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return scored.slice(0, 5).map(([n]) => n);
}

/** Fail for a field the mapping does not have (written without `?`). */
export function failUnknownField(env: CompileEnv, name: string, span: Span): never {
  const near = similarFields(env.mapping, name);
  const suggestion =
    near.length === 0
      ? ""
      : near.length === 1
        ? `, did you mean [${near[0]}]?`
        : `, did you mean any of [${near.join(", ")}]?`;
  return fail(
    env,
    ErrorCodes.UNKNOWN_FIELD,
    `Unknown column [${name}]${suggestion}`,
    span,
    "write ?field for a field that may be absent, or allow unknown fields for a partial mapping",
  );
}

/**
 * Why Elasticsearch cannot use `def` for an exact comparison, or undefined when it can: a `text`
 * field needs exactly one keyword multi-field, and a keyword with a normalizer is never exact.
 */
export function inexactReason(mapping: Mapping, name: string, def: FieldMapping): string | undefined {
  const leaf = name.slice(name.lastIndexOf(".") + 1);
  if (def.type === "keyword" && def.normalizer !== undefined) {
    return "Normalized keyword field cannot be used for exact match operations";
  }
  if (def.type !== "text" && def.type !== "match_only_text") return undefined;
  const exact = (def.multiFields ?? []).filter((sub) => {
    const d = mapping.fields.get(sub);
    return d !== undefined && d.type === "keyword" && d.normalizer === undefined;
  });
  if (exact.length === 1) return undefined;
  if (exact.length > 1)
    return `Multiple exact keyword candidates available for [${leaf}]; specify which one to use`;
  return `No keyword/multi-field defined exact matches for [${leaf}]; define one or use MATCH/QUERY instead`;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];

/** `first argument ` for position 0 and so on; empty when the operation has a single operand. */
export function ordinalPrefix(position: number | null): string {
  if (position === null) return "";
  return `${ORDINALS[position] ?? `${position + 1}th`} argument `;
}

/** `2nd`, `3rd`, ... as Elasticsearch numbers list elements. */
function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

/** What the verifier knows about an operand that is a plain mapped field. */
export interface MappedOperand {
  readonly name: string;
  readonly def: FieldMapping;
}

/** The text of `span` in the query, as Elasticsearch quotes an expression in its messages. */
export function sourceText(env: CompileEnv, span: Span): string {
  return env.source.slice(span.start, span.end);
}

/**
 * Fail when `operand` is a field Elasticsearch cannot compare exactly. `whole` is the span of the
 * operation (quoted in the message), `at` the operand's span, `position` its argument position
 * (null for operations with one operand).
 */
export function requireExact(
  env: CompileEnv,
  operand: MappedOperand | undefined,
  whole: Span,
  at: Span,
  position: number | null,
): void {
  if (!operand) return;
  const reason = inexactReason(env.mapping, operand.name, operand.def);
  if (reason === undefined) return;
  fail(
    env,
    ErrorCodes.INEXACT_FIELD,
    `[${sourceText(env, whole)}] cannot operate on ${ordinalPrefix(position)}field of data type [${dataTypeName(operand.def.type)}]: ${reason}`,
    at,
    reason.startsWith("No keyword")
      ? "add a keyword multi-field to the mapping, or use a keyword field"
      : undefined,
  );
}

/**
 * Fail when `operand` is a mapped field that is not a string (a date, ip, version or binary field)
 * where Elasticsearch needs a string: `:`, `like`, `regex`, `in~` and string function arguments.
 * Numbers and booleans are rejected earlier by their static type.
 */
export function requireString(
  env: CompileEnv,
  operand: MappedOperand | undefined,
  what: string,
  at: Span,
  hint?: string,
): void {
  if (!operand || STRING_TYPES.has(operand.def.type)) return;
  fail(
    env,
    ErrorCodes.TYPE_MISMATCH,
    `${what} must be [string], found value [${sourceText(env, at)}] type [${dataTypeName(operand.def.type)}]`,
    at,
    hint,
  );
}

/** Fail when a value of an `in` list cannot be compared with the mapped field's type. */
export function checkInList(
  env: CompileEnv,
  operand: MappedOperand | undefined,
  whole: Span,
  items: readonly { readonly value: unknown; readonly expr: Expr }[],
): void {
  if (!operand) return;
  const type = operand.def.type;
  items.forEach(({ value, expr }, i) => {
    const itemType = literalTypeName(value);
    if (compatible(type, itemType)) return;
    fail(
      env,
      ErrorCodes.TYPE_MISMATCH,
      `${ordinal(i + 1)} argument of [${sourceText(env, whole)}] must be [${dataTypeName(type)}], found value [${sourceText(env, expr.span)}] type [${itemType}]`,
      expr.span,
    );
  });
}

/** Fail when join key `current` has a type incompatible with the first term's key `expected`. */
export function checkKeyTypes(
  env: CompileEnv,
  kind: "Sequence" | "Sample",
  expected: { readonly field: Field; readonly def: FieldMapping | undefined },
  current: { readonly field: Field; readonly def: FieldMapping | undefined },
): void {
  const a = expected.def?.type;
  const b = current.def?.type;
  if (a === undefined || b === undefined || compatible(a, b)) return;
  fail(
    env,
    ErrorCodes.JOIN_KEY_TYPE,
    `${kind} key [${current.field.name}] type [${b}] is incompatible with key [${expected.field.name}] type [${a}]`,
    current.field.span,
  );
}

/** The upper-case type name Elasticsearch reports for a condition that is not boolean. */
export function conditionTypeName(type: string): string {
  return dataTypeName(type).toUpperCase();
}

/** The type name of a literal (for messages). */
export { literalTypeName };
