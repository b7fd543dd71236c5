/**
 * The core entry must run in a browser and stay small: nothing it imports, directly or not, may use
 * `node:` modules or the 14 MB `@elastic/ecs` (only the node and testing entries load the ECS schema).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.js";

/** Every bare or `node:` specifier reachable from `entry` through relative imports. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)) {
      const spec = m[1] as string;
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else external.add(spec);
    }
  }
  return external;
}

describe("core import graph", () => {
  it("has no node: modules and no @elastic/ecs", () => {
    const external = [...externalImports(resolve(root, "src/index.ts"))];
    expect(external.filter((s) => s.startsWith("node:") || s.startsWith("@elastic/ecs"))).toEqual([]);
    expect(external.some((s) => s.startsWith("picomatch/posix"))).toBe(true);
  });

  it("the testing entry does load the ECS schema", () => {
    expect([...externalImports(resolve(root, "src/testing/index.ts"))]).toContain("@elastic/ecs");
  });
});
