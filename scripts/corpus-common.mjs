/**
 * What the corpus scripts share: the built library (or a clear exit when it is missing) and the
 * detection-rules corpus, found at the first argument, $MINI_EQL_CORPUS, or
 * ../shared/corpus/detection-rules-eql.jsonl from the repository root.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Import the built library, or exit 2 saying how to build it. */
export async function importDist() {
  const dist = resolve(root, "dist/index.js");
  if (!existsSync(dist)) {
    console.error("run npm run build first");
    process.exit(2);
  }
  return import(pathToFileURL(dist).href);
}

/** The corpus path for an optional command-line argument. */
export function corpusPathFrom(arg) {
  return resolve(
    arg ?? process.env.MINI_EQL_CORPUS ?? resolve(root, "../shared/corpus/detection-rules-eql.jsonl"),
  );
}

/** The corpus's rules (one JSON object a line), or exit 2 when the file is absent. */
export function readCorpus(path) {
  if (!existsSync(path)) {
    console.error(`corpus not found: ${path} (pass a path or set MINI_EQL_CORPUS)`);
    process.exit(2);
  }
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}
