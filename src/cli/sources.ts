/** Resolve the input arguments of a command into sources, checking them before any work starts. */
import { accessSync, constants, statSync } from "node:fs";
import { errnoText, UsageError } from "./errors.js";

/**
 * The sources to read: the files given (`-` is stdin), or stdin when none is given and it is not a
 * terminal. A missing or unreadable file is a usage error, found before anything is printed.
 */
export function resolveSources(files: readonly string[], stdinIsTTY: boolean | undefined): string[] {
  if (files.length === 0) {
    if (stdinIsTTY) throw new UsageError("no input: name event files, or pipe events on stdin");
    return ["-"];
  }
  for (const f of files) {
    if (f === "-") continue;
    try {
      accessSync(f, constants.R_OK);
      if (statSync(f).isDirectory()) throw new UsageError(`${f} is a directory, not an event file`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`cannot read ${f}: ${errnoText(e)}`);
    }
  }
  return [...files];
}
