/** The `--mapping` file, shared by the commands without the query command's input machinery. */
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";

/** Read an Elasticsearch mapping file given to --mapping. */
export function readMapping(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`--mapping ${path}: ${(e as Error).message}`);
  }
}
