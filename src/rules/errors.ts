/** Errors raised while reading rule files: each names the file, the line and the key. */
import type { EqlError } from "../errors.js";

/** Stable codes of rule-loading errors. */
export const RuleErrorCodes = {
  TOML_SYNTAX: "RULE_TOML_SYNTAX",
  JSON_SYNTAX: "RULE_JSON_SYNTAX",
  NOT_A_RULE: "RULE_NOT_A_RULE",
  MISSING_KEY: "RULE_MISSING_KEY",
  WRONG_TYPE: "RULE_WRONG_TYPE",
  BAD_VALUE: "RULE_BAD_VALUE",
  QUERY: "RULE_QUERY",
  /** A key Elastic's rule schema does not have (a typo such as `form` for `from`). */
  UNKNOWN_KEY: "RULE_UNKNOWN_KEY",
  /** A detection-rules file without its `[rule]` table. */
  MISSING_TABLE: "RULE_MISSING_TABLE",
  /** A second rule with the `rule_id` of one loaded before. */
  DUPLICATE_ID: "RULE_DUPLICATE_ID",
  /** An event (`@timestamp`, `event`, no rule keys) where a rule was expected. */
  EVENT_NOT_RULE: "RULE_EVENT_NOT_RULE",
  /** A rules directory (or file) that holds no EQL rule. */
  NO_RULES: "RULE_NO_RULES",
  READ: "RULE_READ",
  /** A symbolic link in a rules directory leads back into a directory being listed. */
  SYMLINK_LOOP: "RULE_SYMLINK_LOOP",
  /** A symbolic link in a rules directory points at nothing. */
  SYMLINK_DANGLING: "RULE_SYMLINK_DANGLING",
  /** A symbolic link in a rules directory leaves it (followed only with `followSymlinks`). */
  SYMLINK_OUTSIDE: "RULE_SYMLINK_OUTSIDE",
} as const;

/** One of the rule-loading codes. */
export type RuleErrorCode = (typeof RuleErrorCodes)[keyof typeof RuleErrorCodes];

/** Details of a rule-loading error. */
export interface RuleErrorInit {
  code: RuleErrorCode;
  reason: string;
  file?: string;
  /** 1-based line and column in the file. */
  line?: number;
  column?: number;
  /** Dotted key the error is about (`rule.risk_score`). */
  key?: string;
  rule_id?: string;
  /** The query error, for `RULE_QUERY`. */
  queryError?: EqlError;
  /** The line of the file the error points at, and a caret under the column. */
  sourceLine?: string;
  caret?: string;
  /** Further errors of the same rule, reported with this one when it is thrown. */
  more?: readonly RuleLoadError[];
}

/** A rule could not be read: bad TOML/JSON, a missing or mistyped key, or a query that does not compile. */
export class RuleLoadError extends Error {
  readonly code: RuleErrorCode;
  readonly reason: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly key?: string;
  readonly rule_id?: string;
  readonly queryError?: EqlError;
  readonly sourceLine?: string;
  readonly caret?: string;
  /** Further errors of the same rule (when thrown; a collected set lists each on its own). */
  readonly more?: readonly RuleLoadError[];

  constructor(init: RuleErrorInit) {
    let where = init.file ?? "<rule>";
    if (init.line !== undefined) where += `:${init.line}`;
    if (init.column !== undefined) where += `:${init.column}`;
    let text = `${where}: ${init.key ? `${init.key}: ` : ""}${init.reason}`;
    if (init.sourceLine !== undefined && init.caret !== undefined) {
      text += `\n  ${init.sourceLine}\n  ${init.caret}`;
    }
    if (init.queryError?.hint) text += `\nhint: ${init.queryError.hint}`;
    for (const other of init.more ?? []) text += `\n${other.message}`;
    super(text);
    this.name = "RuleLoadError";
    this.code = init.code;
    this.reason = init.reason;
    if (init.file !== undefined) this.file = init.file;
    if (init.line !== undefined) this.line = init.line;
    if (init.column !== undefined) this.column = init.column;
    if (init.key !== undefined) this.key = init.key;
    if (init.rule_id !== undefined) this.rule_id = init.rule_id;
    if (init.queryError !== undefined) this.queryError = init.queryError;
    if (init.sourceLine !== undefined) this.sourceLine = init.sourceLine;
    if (init.caret !== undefined) this.caret = init.caret;
    if (init.more !== undefined && init.more.length > 0) this.more = init.more;
  }
}
