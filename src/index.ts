/** mini-eql: Elastic's Event Query Language over plain JSON events, with Elasticsearch semantics. */
export type * from "./ast/nodes.js";
export { compile } from "./compile.js";
export {
  type BudgetOptions,
  type BudgetStats,
  DEFAULT_STATE_BYTES,
  HEAP_OVERHEAD,
  type OwnerStats,
  StateBudget,
} from "./engine/budget.js";
export { type ClockOptions, DEFAULT_MAX_TIME_JUMP, EventClock } from "./engine/clock.js";
export type { FilterHits } from "./engine/filter.js";
export type { StreamSnapshot } from "./engine/snapshot.js";
export type { QueryStream, StreamOptions, StreamStats } from "./engine/stream.js";
export {
  DataErrorCodes,
  type Diagnostic,
  EqlDataError,
  EqlError,
  EqlSemanticError,
  EqlSnapshotError,
  EqlSyntaxError,
  type EqlWarning,
  type ErrorCode,
  ErrorCodes,
  SnapshotErrorCodes,
  type SourceLocation,
} from "./errors.js";
export {
  type FieldMap,
  type FieldMapProblem,
  fieldMapProblems,
} from "./field-map.js";
export { STANDARD_FUNCTIONS } from "./functions/index.js";
export type { CallSite, FunctionDef, ParamSpec, Scalar, StaticType } from "./functions/types.js";
export { FunctionArgumentError } from "./functions/types.js";
export { type FieldMapping, type Mapping, parseMapping } from "./mapping.js";
export { parse } from "./parse.js";
export * from "./rules/index.js";
export type * from "./types.js";
