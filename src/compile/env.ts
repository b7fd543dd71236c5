/** The compile-time environment shared by the expression and query compilers. */

import type { Span } from "../ast/nodes.js";
import { EqlSemanticError, type EqlWarning, makeWarning } from "../errors.js";
import type { FunctionDef } from "../functions/types.js";
import type { Mapping } from "../mapping.js";
import type { FieldTable } from "../runtime/field-table.js";

/** What the compilers need to know besides the AST. */
export interface CompileEnv {
  readonly source: string;
  readonly mapping: Mapping;
  /**
   * Names of the fields that exist in the data (mapping plus data), used to fold `?field` to null
   * when the field exists nowhere. Null means "unknown": `?field` is then an ordinary field.
   */
  readonly knownFields: ReadonlySet<string> | null;
  readonly functions: readonly FunctionDef[];
  readonly timestampField: string;
  /**
   * With a mapping, a field it lacks is an error (as in Elasticsearch) unless this is true (a partial
   * mapping); `?field` is never an error.
   */
  readonly allowUnknownFields?: boolean;
  readonly warnings: EqlWarning[];
  /** Compile event filters to generated code where `new Function` is allowed (see codegen.ts). */
  readonly codegen?: boolean;
  /** Shared field readers with a per-event cache (a rule set's); absent: each field reads for itself. */
  readonly fields?: FieldTable;
}

/** Throw a semantic error at `span`. */
export function fail(env: CompileEnv, code: string, reason: string, span: Span, hint?: string): never {
  throw new EqlSemanticError(env.source, code, reason, span, hint);
}

/** Record a warning at `span`. */
export function warn(env: CompileEnv, code: string, reason: string, span: Span, hint?: string): void {
  env.warnings.push(makeWarning(env.source, code, reason, span, hint));
}
