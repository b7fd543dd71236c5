#!/usr/bin/env node
// Conformance runner: npm run conformance -- <suite-dir> [--json <file>] [--update-known-failures]
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "node", "index.js");
if (!existsSync(entry)) {
  console.error(`${entry} is missing: run \`npm run build\` first`);
  process.exit(2);
}
const { conformanceMain } = await import(pathToFileURL(entry).href);
process.exitCode = await conformanceMain(process.argv.slice(2), {
  knownFailuresPath: join(root, "test", "conformance", "known-failures.json"),
});
