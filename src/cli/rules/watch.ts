/**
 * `--watch-rules`: notice when the rule files under the `--rules` paths change, and say so once the
 * changes have settled (a save by an editor is often several writes, renames and deletions).
 * Changes are noticed through `fs.watch` and by comparing, every second, each file's size, time of
 * change and identity, since `fs.watch` misses changes on some file systems.
 */
import { type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { listRuleFiles } from "../../node/rules/load.js";

/** Options of `watchRules`. */
export interface WatchOptions {
  readonly followSymlinks?: boolean;
  /** Quiet time (ms) after the last change before `changed` is called (default 300). */
  readonly debounceMs?: number;
  /** How often (ms) the files are compared with what they were (default 1000). */
  readonly pollMs?: number;
}

/** What the rule files under `paths` look like now: each file's path, size, change time and identity. */
function signature(paths: readonly string[], followSymlinks: boolean): string {
  const parts: string[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = statSync(path).isDirectory() ? listRuleFiles(path, true, { followSymlinks }) : [path];
    } catch {
      parts.push(`${path}\0missing`);
      continue;
    }
    for (const file of files) {
      // The exceptions kept beside a rule file change its rules too.
      for (const f of [file, file.replace(/\.[^./\\]+$/, ".exceptions.json")]) {
        try {
          const st = statSync(f);
          parts.push(`${f}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}`);
        } catch {
          parts.push(`${f}\0-`);
        }
      }
    }
  }
  return parts.join("\n");
}

/** Watch the rule files under `paths`; `changed` is called after each settled change. Returns a stop function. */
export function watchRules(
  paths: readonly string[],
  changed: () => void,
  options: WatchOptions = {},
): () => void {
  const followSymlinks = options.followSymlinks === true;
  const debounceMs = options.debounceMs ?? 300;
  let last = signature(paths, followSymlinks);
  let timer: NodeJS.Timeout | null = null;
  const settle = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const now = signature(paths, followSymlinks);
      if (now === last) return;
      last = now;
      changed();
    }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const path of paths) {
    try {
      const dir = statSync(path).isDirectory();
      const name = basename(path);
      const w = dir
        ? watch(path, { recursive: true, persistent: false }, settle)
        : watch(dirname(path), { persistent: false }, (_e, file) => {
            if (file === null || file === name) settle();
          });
      w.on("error", () => w.close());
      watchers.push(w);
    } catch {
      // Polling alone notices the changes.
    }
  }
  const poll = setInterval(() => {
    if (timer === null && signature(paths, followSymlinks) !== last) settle();
  }, options.pollMs ?? 1000);
  poll.unref();
  return () => {
    clearInterval(poll);
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
