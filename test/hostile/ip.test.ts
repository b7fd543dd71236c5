/** A field mapped as ip compared with something that is no address: a coded error at the literal. */
import { describe, expect, it } from "vitest";
import { compile, EqlError, rulesFromObjects } from "../../src/index.js";
import { ruleObject } from "../rules/helpers.js";

const mapping = { properties: { source: { properties: { ip: { type: "ip" } } } } };

function errorOf(q: string): EqlError {
  try {
    compile(q, { mapping });
  } catch (e) {
    if (e instanceof EqlError) return e;
    throw e;
  }
  throw new Error(`compiled: ${q}`);
}

describe("an ip field compared with a literal that is not an address", () => {
  it.each([
    ['any where source.ip == "abc"', 24],
    ['any where source.ip != "1.2.3.4/99"', 24],
    ["any where source.ip == 5", 24],
    ['any where "abc" == source.ip', 11],
  ])("%s is EQL_INVALID_CIDR at the literal", (q, column) => {
    const e = errorOf(q);
    expect(e.code).toBe("EQL_INVALID_CIDR");
    expect(e.line).toBe(1);
    expect(e.column).toBe(column);
  });

  // Elasticsearch's verifier refuses a string in an `in` list against an ip field (the types must
  // agree), before any address is read: a coded error at the first string, never a CidrError.
  it.each([
    ['any where source.ip in ("1.2.3.4", "zzz")', 25],
    ['any where source.ip not in ("zzz")', 29],
  ])("%s is EQL_TYPE_MISMATCH at the first string", (q, column) => {
    const e = errorOf(q);
    expect(e.code).toBe("EQL_TYPE_MISMATCH");
    expect(e.column).toBe(column);
  });

  it("addresses and blocks still compile and match", () => {
    const q = compile(
      'any where source.ip == "10.0.0.0/8" or source.ip == "::1" or source.ip == "192.168.1.1"',
      {
        mapping,
      },
    );
    expect(q.matches({ source: { ip: "10.1.2.3" } })).toBe(true);
    expect(q.matches({ source: { ip: "192.168.1.1" } })).toBe(true);
    expect(q.matches({ source: { ip: "11.0.0.1" } })).toBe(false);
  });

  it("is collected as a rule's query error, not thrown past collectErrors", () => {
    const set = rulesFromObjects(
      [ruleObject({ query: 'network where source.ip == "not-an-ip"' }), ruleObject()],
      {
        collectErrors: true,
        // The other rule's fields are not in this small mapping.
        compile: { mapping, allowUnknownFields: true },
      },
    );
    expect(set.rules).toHaveLength(1);
    expect(set.errors).toHaveLength(1);
    expect(set.errors[0]?.code).toBe("RULE_QUERY");
    expect(set.errors[0]?.queryError?.code).toBe("EQL_INVALID_CIDR");
  });
});
