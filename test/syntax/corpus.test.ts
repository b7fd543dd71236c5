/** Real-world queries: the seed rule and, where available, Elastic's detection-rules corpus. */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printStatement } from "../../src/ast/print.js";
import { parse } from "../../src/parse.js";

// From the seed rule lateral_movement_direct_kubelet_access_via_process_args.toml.
const KUBELET_QUERY = `process where host.os.type == "linux" and event.type == "start" and event.action in ("exec", "executed") and
(
  /* direct utility execution */
  process.name like ("curl", "wget", "python*", "perl*", "php*", "node*", "java", "ruby*", "lua*", ".*") or
  
  process.executable like ("/tmp/*", "/var/tmp/*", "/dev/shm/*", "/var/run/*", "/home/*", "/run/user/*", "/busybox/*")
) and
process.args like ("http*:10250/*", "http*:10255/*", "wss:*:10250/*", "wss:*:10255/*")
`;

describe("seed rule", () => {
  it("parses the Kubelet access rule", () => {
    const s = parse(KUBELET_QUERY);
    expect(s.query).toMatchObject({ kind: "event", category: "process", condition: { kind: "and" } });
    expect(printStatement(s)).toContain('(process.args like ("http*:10250/*", "http*:10255/*"');
  });
});

// The corpus lives in the shared folder of the development machines; it is not part of the
// repository (Elastic License v2 data), so on other machines this test is skipped.
const CORPUS = "/work/shared/corpus/detection-rules-eql.jsonl";
const corpusExists = existsSync(CORPUS);

describe("detection-rules corpus", () => {
  it.skipIf(!corpusExists)("parses every query and prints each back to an equivalent query", () => {
    const lines = readFileSync(CORPUS, "utf8").split("\n").filter(Boolean);
    const failures: string[] = [];
    for (const line of lines) {
      const rule = JSON.parse(line) as { path: string; query: string };
      try {
        const printed = printStatement(parse(rule.query));
        const again = printStatement(parse(printed));
        if (again !== printed) failures.push(`${rule.path}: printing is not stable`);
      } catch (e) {
        const err = e as { code?: string; message: string };
        failures.push(`${rule.path}: ${err.code ?? "?"} ${err.message}`);
      }
    }
    expect(lines.length).toBe(1024);
    expect(failures).toEqual([]);
  });
});
