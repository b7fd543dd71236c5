/** Types of a conformance suite, its cases and their outcomes. */
import type { CompiledQuery, CompileOptions, EqlEvent } from "../../types.js";

/** The compile function the runner evaluates cases with (the library's `compile`, or a fake in tests). */
export type CompileFn = (text: string, options?: CompileOptions) => CompiledQuery;

/** An expectation of event ids: one list, or several lists of which any one is correct. */
export type ExpectedIds = unknown[] | unknown[][];

/** One `[[queries]]` table of a spec file. */
export interface SuiteCase {
  /** The case name, made unique within its file (a repeated name gets ` #2`, ` #3`, ...). */
  name: string;
  query: string;
  expectedEventIds: ExpectedIds;
  /** Expected flattened join keys; empty means "not checked". */
  joinKeys: string[];
  size?: number;
  maxSamplesPerKey?: number;
}

/** A dataset ready to query: events of all its indices in index order and their merged mapping. */
export interface LoadedDataset {
  name: string;
  events: EqlEvent[];
  mapping?: { properties: Record<string, unknown> };
  /** Fields that the indices map differently (the first definition is kept). */
  mappingConflicts: string[];
  idField: string;
  tiebreakerField?: string;
}

/** One spec file with its cases and the dataset it runs against. */
export interface LoadedSpec {
  file: string;
  dataset: LoadedDataset;
  cases: SuiteCase[];
}

/** Request settings shared by every case of a suite. */
export interface SuiteDefaults {
  eventCategoryField?: string;
  timestampField?: string;
  size?: number;
}

/** A whole suite folder, loaded. */
export interface LoadedSuite {
  /** The folder's base name; it keys the known-failures file. */
  name: string;
  dir: string;
  defaults: SuiteDefaults;
  specs: LoadedSpec[];
}

/** How one case came out. */
export interface CaseOutcome {
  file: string;
  name: string;
  status: "passed" | "failed";
  expected: ExpectedIds;
  /** Ids returned (placeholders as -1); null when the case threw. */
  actual: unknown[] | null;
  expectedJoinKeys?: string[];
  actualJoinKeys?: string[];
  /** `CODE: message` when compiling or running threw. */
  error: string | null;
  /** Short reason of a failure (`ids differ`, `join keys differ`, `error`). */
  mismatch?: string;
}
