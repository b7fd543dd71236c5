/**
 * The Kubelet rule's query compiled by mini-eql, as a predicate module for the shared hand-written
 * harness (`node ../shared/bench/handwritten.mjs mem FILE --pred=<this file>`), so the compiled query
 * and the hand-written predicate run in the same loop over the same events.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "smol-toml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { compile } = await import(pathToFileURL(resolve(root, "dist/index.js")).href);
const rule = parse(
  readFileSync(
    resolve(root, "rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml"),
    "utf8",
  ),
);
const query = compile(rule.rule.query);

/** True when the Kubelet rule's query matches the event. */
export default (event) => query.matches(event);
