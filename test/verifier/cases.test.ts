/**
 * Runs the verifier cases collected from Elasticsearch's own tests (one JSON file per source in
 * `cases/`): each query must be accepted, or rejected with the listed code at the listed position.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compile.js";
import { EqlError } from "../../src/errors.js";
import type { CompileOptions } from "../../src/types.js";

interface Case {
  test: string;
  mapping?: string;
  query: string;
  accept?: true;
  /** Extra compile options (for instance `allowUnknownFields`). */
  options?: CompileOptions;
  error?: { code: string; line: number; column: number; message: string };
  messageChecked?: boolean;
  /** What the query evaluates to, for a constant query: true when it matches every event. */
}

interface CaseFile {
  source: { repository: string; path: string | string[]; commit?: string };
  mappings?: Record<string, unknown>;
  cases: Case[];
}

const dir = join(import.meta.dirname, "cases");
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

describe.each(files)("%s", (file) => {
  const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as CaseFile;
  const label = (c: Case) => `${c.test}: ${c.query.replace(/\n/g, " ")}`;
  it.each(data.cases.map((c) => [label(c), c] as const))("%s", (_name, c) => {
    const options: CompileOptions = { ...(c.options ?? {}) };
    if (c.mapping !== undefined) {
      const mapping = data.mappings?.[c.mapping];
      expect(mapping, `mapping ${c.mapping}`).toBeDefined();
      options.mapping = mapping;
    }
    if (c.accept) {
      expect(() => compile(c.query, options)).not.toThrow();
      return;
    }
    const expected = c.error;
    if (!expected) throw new Error(`case ${c.test} has neither accept nor error`);
    let caught: unknown;
    try {
      compile(c.query, options);
    } catch (e) {
      caught = e;
    }
    expect(caught, "the query must be rejected").toBeInstanceOf(EqlError);
    const e = caught as EqlError;
    expect({ code: e.code, line: e.line, column: e.column }).toEqual({
      code: expected.code,
      line: expected.line,
      column: expected.column,
    });
    if (c.messageChecked !== false) expect(e.reason).toBe(expected.message);
  });
});
