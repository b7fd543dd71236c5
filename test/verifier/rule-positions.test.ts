/** A verifier error in a rule's query is reported where the field is written in the rule file. */
import { describe, expect, it } from "vitest";
import { rulesFromText } from "../../src/rules/from-text.js";
import { kubeletToml } from "../rules/helpers.js";

const keyword = { type: "keyword" };
const mapping = {
  properties: {
    "@timestamp": { type: "date" },
    event: { properties: { category: keyword, type: keyword, action: keyword } },
    host: { properties: { os: { properties: { type: keyword } } } },
    process: {
      properties: {
        name: keyword,
        executable: keyword,
        args: { type: "text" },
      },
    },
  },
};

function lineCol(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  const before = text.slice(0, at);
  return { line: before.split("\n").length, column: at - before.lastIndexOf("\n") };
}

describe("verifier errors in rule files", () => {
  it("points at the field inside the ''' query", () => {
    const set = rulesFromText(kubeletToml, { file: "k.toml", collectErrors: true, compile: { mapping } });
    expect(set.rules).toHaveLength(0);
    const e = set.errors[0];
    expect(e?.queryError?.code).toBe("EQL_INEXACT_FIELD");
    expect({ line: e?.line, column: e?.column }).toEqual(lineCol(kubeletToml, 'process.args like ("http*'));
  });
  it("points at an unknown column, and loads with allowUnknownFields", () => {
    const partial = { properties: { ...mapping.properties, process: { properties: { name: keyword } } } };
    const strict = rulesFromText(kubeletToml, {
      file: "k.toml",
      collectErrors: true,
      compile: { mapping: partial },
    });
    expect(strict.errors[0]?.queryError?.code).toBe("EQL_UNKNOWN_FIELD");
    expect({ line: strict.errors[0]?.line, column: strict.errors[0]?.column }).toEqual(
      lineCol(kubeletToml, "process.executable like"),
    );
    const lenient = rulesFromText(kubeletToml, {
      file: "k.toml",
      collectErrors: true,
      compile: { mapping: { ...partial }, allowUnknownFields: true },
    });
    expect(lenient.errors).toEqual([]);
    expect(lenient.rules).toHaveLength(1);
  });
});
