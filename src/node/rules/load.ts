/**
 * Load rules from the file system: one file, or every rule file under a directory (a detection-rules
 * checkout works as is). Beside `<rule>.toml` may sit `<rule>.exceptions.json` (Kibana exception
 * items, attached to the rule) and `<rule>.fixtures.json` (test events, not a rule).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { RuleErrorCodes, RuleLoadError } from "../../rules/errors.js";
import { exceptionItemsFrom } from "../../rules/exceptions.js";
import type { LoadOptions, RuleSet } from "../../rules/from-object.js";
import { rulesFromText } from "../../rules/from-text.js";
import type { ExceptionItem, UnsupportedRule } from "../../rules/types.js";

/** Options for loading from the file system. */
export interface DirLoadOptions extends LoadOptions {
  /** Descend into sub-directories (default true). */
  recursive?: boolean;
  /** Name files relative to this directory in messages (default: the directory loaded). */
  relativeTo?: string;
  /** Follow symbolic links that lead out of the directory (default false; see `listRuleFiles`). */
  followSymlinks?: boolean;
}

const COMPANION = /\.(fixtures|exceptions)\.json$/;
const RULE_FILE = /\.(toml|json|ndjson|jsonl)$/;

/** The base path of a rule file without its extension (`x/rule.toml` → `x/rule`). */
export function ruleBase(path: string): string {
  return path.replace(RULE_FILE, "");
}

/**
 * Exception items kept beside a rule file, or an empty list. Throws a `RuleLoadError` against the
 * exceptions file (named `name` in messages) when it is not JSON or its items are not valid.
 */
export function readExceptionsBeside(
  path: string,
  name = `${ruleBase(path)}.exceptions.json`,
): ExceptionItem[] {
  const file = `${ruleBase(path)}.exceptions.json`;
  if (!existsSync(file)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new RuleLoadError({
      code: e instanceof SyntaxError ? RuleErrorCodes.JSON_SYNTAX : RuleErrorCodes.READ,
      reason: e instanceof Error ? e.message : String(e),
      file: name,
    });
  }
  return exceptionItemsFrom(doc, { file: name });
}

/** Load the rules of one file (with the exceptions kept beside it). */
export function loadRuleFile(path: string, options: DirLoadOptions = {}): RuleSet {
  const file = options.relativeTo ? relative(options.relativeTo, path) : (options.file ?? path);
  let text: string;
  let exceptions: ExceptionItem[];
  try {
    text = readFileSync(path, "utf8");
    exceptions = [
      ...(options.exceptions ?? []),
      ...readExceptionsBeside(path, `${ruleBase(file)}.exceptions.json`),
    ];
  } catch (e) {
    const err =
      e instanceof RuleLoadError
        ? e
        : new RuleLoadError({
            code: RuleErrorCodes.READ,
            reason: e instanceof Error ? e.message : String(e),
            file,
          });
    if (!options.collectErrors) throw err;
    return { rules: [], errors: [err], unsupported: [] };
  }
  return rulesFromText(text, { ...options, file, exceptions });
}

/** How to list a rules directory. */
export interface ListOptions {
  /**
   * Follow symbolic links that lead out of the directory (default false: such a link is reported as
   * `RULE_SYMLINK_OUTSIDE` and not read). Links that stay inside are always followed.
   */
  followSymlinks?: boolean;
  /**
   * Where to put the entries that cannot be listed (a symlink loop, a dangling or outside link, an
   * unreadable directory), the rest still listed. Without it the first such entry throws.
   */
  problems?: RuleLoadError[];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Rule files under `dir`, sorted, skipping companion files and hidden directories. A symbolic link is
 * followed when it stays inside `dir` (or with `followSymlinks`); a link that loops, dangles or leaves
 * the directory is a `RuleLoadError` with its path, and the other entries are still listed.
 *
 * @throws RuleLoadError for such an entry, unless `options.problems` collects them.
 */
export function listRuleFiles(dir: string, recursive = true, options: ListOptions = {}): string[] {
  return listFiles(dir, recursive, options, (name) => RULE_FILE.test(name) && !COMPANION.test(name));
}

/** The files under `dir` whose name `accept` takes, listed as `listRuleFiles` lists rule files. */
export function listFiles(
  dir: string,
  recursive: boolean,
  options: ListOptions,
  accept: (name: string) => boolean,
): string[] {
  const out: string[] = [];
  const problem = (code: RuleLoadError["code"], path: string, reason: string) => {
    const err = new RuleLoadError({ code, reason, file: path });
    if (!options.problems) throw err;
    options.problems.push(err);
  };
  const root = realpathSync(dir);
  const open = new Set<string>();
  const walk = (path: string, real: string) => {
    open.add(real);
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch (e) {
      problem(RuleErrorCodes.READ, path, e instanceof Error ? e.message : String(e));
      open.delete(real);
      return;
    }
    for (const name of names) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const entry = join(path, name);
      let target = entry;
      let isDir: boolean;
      try {
        const link = lstatSync(entry);
        if (link.isSymbolicLink()) {
          try {
            target = realpathSync(entry);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === "ELOOP") problem(RuleErrorCodes.SYMLINK_LOOP, entry, "symbolic link loop");
            else if (code === "ENOENT")
              problem(RuleErrorCodes.SYMLINK_DANGLING, entry, "symbolic link to nothing");
            else problem(RuleErrorCodes.READ, entry, e instanceof Error ? e.message : String(e));
            continue;
          }
          if (!options.followSymlinks && !isInside(root, target)) {
            problem(
              RuleErrorCodes.SYMLINK_OUTSIDE,
              entry,
              `symbolic link leaves the rules directory (to ${target}); not followed without --follow-symlinks`,
            );
            continue;
          }
          isDir = statSync(target).isDirectory();
        } else isDir = link.isDirectory();
      } catch (e) {
        if (e instanceof RuleLoadError) throw e;
        problem(RuleErrorCodes.READ, entry, e instanceof Error ? e.message : String(e));
        continue;
      }
      if (isDir) {
        if (!recursive) continue;
        const realDir = target === entry ? realpathSync(entry) : target;
        if (open.has(realDir)) {
          problem(
            RuleErrorCodes.SYMLINK_LOOP,
            entry,
            "symbolic link loop: leads back into a directory being listed",
          );
          continue;
        }
        walk(entry, realDir);
      } else if (accept(name)) out.push(entry);
    }
    open.delete(real);
  };
  walk(dir, root);
  return out;
}

/** The formats a rules directory is read in, for messages. */
const RULE_FORMATS = "detection-rules TOML, Kibana rule JSON, or an .ndjson rule export";

function describeUnsupported(u: UnsupportedRule): string {
  if (u.type !== undefined) return `type ${JSON.stringify(u.type)}`;
  if (u.language !== undefined) return `language ${JSON.stringify(u.language)}`;
  return "no rule type";
}

/**
 * `RULE_NO_RULES` for a rules directory (or file) `path` that gave no EQL rule and no error: it holds
 * no rule file (`files` is 0), or its files hold nothing, or only rules of other types.
 */
export function noRulesError(
  path: string,
  files: number,
  unsupported: readonly UnsupportedRule[],
): RuleLoadError {
  let reason: string;
  if (files === 0) reason = `no rule file (${RULE_FORMATS}) in this directory`;
  else if (unsupported.length === 0)
    reason = files === 1 ? "the file holds no rule" : `its ${files} rule files hold no rule`;
  else {
    const kinds = new Map<string, number>();
    for (const u of unsupported)
      kinds.set(describeUnsupported(u), (kinds.get(describeUnsupported(u)) ?? 0) + 1);
    const found = [...kinds].map(([k, n]) => `${n} with ${k}`).join(", ");
    reason = `no EQL rule: found ${unsupported.length === 1 ? "1 object" : `${unsupported.length} objects`} of other kinds (${found}); only EQL rules run`;
  }
  return new RuleLoadError({ code: RuleErrorCodes.NO_RULES, reason, file: path });
}

/**
 * Load every rule file under a directory. With `collectErrors`, every bad file is reported. A
 * directory that gives no EQL rule (and no error to say why) is a `RULE_NO_RULES` error.
 */
export function loadRules(dir: string, given: DirLoadOptions = {}): RuleSet {
  const options = { ...given, ruleIds: given.ruleIds ?? new Map<string, string>() };
  const set: RuleSet = { rules: [], errors: [], unsupported: [] };
  const problems: RuleLoadError[] = [];
  const files = listRuleFiles(dir, options.recursive ?? true, {
    ...(options.followSymlinks ? { followSymlinks: true } : {}),
    ...(options.collectErrors ? { problems } : {}),
  });
  const base = options.relativeTo ?? dir;
  for (const p of problems) {
    set.errors.push(
      new RuleLoadError({ code: p.code, reason: p.reason, file: relative(base, p.file ?? dir) }),
    );
  }
  for (const path of files) {
    const one = loadRuleFile(path, { ...options, relativeTo: options.relativeTo ?? dir });
    set.rules.push(...one.rules);
    set.errors.push(...one.errors);
    set.unsupported.push(...one.unsupported);
  }
  if (set.rules.length === 0 && set.errors.length === 0) {
    const err = noRulesError(dir, files.length, set.unsupported);
    if (!options.collectErrors) throw err;
    set.errors.push(err);
  }
  return set;
}
