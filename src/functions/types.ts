/** The typed table format of EQL functions. */

/** A scalar value as EQL sees it after field resolution. */
export type Scalar = string | number | boolean | null;

/** What the compiler knows statically about a value's type. */
export type StaticType = "string" | "integer" | "double" | "boolean" | "null" | "ip" | "unknown";

/** One parameter of a function. */
export interface ParamSpec {
  readonly name: string;
  /** Accepted static types; a literal or mapped field of another type is a semantic error. */
  readonly type: "string" | "number" | "integer" | "boolean" | "ip" | "any";
  /** May be left out (only trailing parameters). */
  readonly optional?: boolean;
  /** Must be a literal in the query text (e.g. cidrMatch's blocks). */
  readonly literal?: boolean;
  /**
   * A literal null here fails the search in Elasticsearch (its function throws on it), so it is a
   * compile error (between's bounds, stringContains' substring).
   */
  readonly notNull?: boolean;
  /** Repeats: this and every later argument use this spec (concat, cidrMatch). */
  readonly variadic?: boolean;
}

/** What a function learns about its call site when it is compiled. */
export interface CallSite {
  /** True when called with `~`. */
  readonly insensitive: boolean;
  /** Static type of each argument. */
  readonly argTypes: readonly StaticType[];
  /** The value of each argument that is a constant, or `undefined` where it is not. */
  readonly constants: readonly (Scalar | undefined)[];
}

/**
 * Raised by `FunctionDef.create` for a bad constant argument (e.g. a malformed CIDR block).
 * The compiler turns it into an `EqlSemanticError` pointing at that argument.
 */
export class FunctionArgumentError extends Error {
  constructor(
    readonly argIndex: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "FunctionArgumentError";
  }
}

/** An EQL function. */
export interface FunctionDef {
  /** Canonical name (camelCase, as documented by Elasticsearch). Lookup is case-insensitive. */
  readonly name: string;
  readonly params: readonly ParamSpec[];
  readonly returns: StaticType;
  /**
   * The result type at one call site, when it depends on the argument types (e.g. `add` of two
   * integers is an integer, of a double is a double). Absent means `returns`.
   */
  readonly resultType?: (argTypes: readonly StaticType[]) => StaticType;
  /** Whether a `name~` case-insensitive variant exists. */
  readonly hasInsensitiveVariant: boolean;
  /**
   * Called once per call site at compile time; returns the evaluator for that site.
   * The evaluator never throws: bad runtime input gives `null` (which makes predicates false).
   */
  readonly create: (site: CallSite) => (args: readonly Scalar[]) => Scalar;
}
