import { describe, expect, it } from "vitest";
import {
  CidrError,
  compileCidrs,
  compileIpTermMatcher,
  ipEquals,
  parseCidr,
  parseIp,
} from "../../src/runtime/ip.js";

const inAny = (ip: string, ...blocks: string[]) => compileCidrs(blocks)(ip);

describe("parseIp", () => {
  it("parses IPv4 as IPv4-mapped IPv6", () => {
    expect(Array.from(parseIp("10.0.0.1") ?? [])).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1,
    ]);
  });
  it("parses IPv6 forms", () => {
    for (const ok of [
      "::",
      "::1",
      "1::",
      "fe80::1",
      "2001:db8:0:0:0:0:2:1",
      "2001:DB8::2:1",
      "::ffff:1.2.3.4",
      "1:2:3:4:5:6:1.2.3.4",
      "1:2:3:4:5:6:7::",
    ]) {
      expect(parseIp(ok), ok).not.toBeNull();
    }
  });
  it("rejects malformed addresses and zone ids", () => {
    for (const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.0.0.1",
      "01.2.3.4",
      "1.2.3.-4",
      "fe80::1%eth0",
      "[::1]",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "1:2:3:4:5:6:7:8::",
      "12345::",
      "::g",
      ":1:2:3:4:5:6:7",
      "1.2.3.4::",
      "not an ip",
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe("CIDR matching", () => {
  it("matches the §6 examples", () => {
    expect(inAny("192.168.152.12", "192.168.0.0/16")).toBe(true);
    expect(inAny("192.168.1.1", "10.0.0.0/8", "10.128.0.0/9")).toBe(false);
    expect(inAny("::1", "::/64")).toBe(true);
  });
  it("handles prefix edges", () => {
    expect(inAny("10.255.255.255", "10.0.0.0/8")).toBe(true);
    expect(inAny("11.0.0.0", "10.0.0.0/8")).toBe(false);
    expect(inAny("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(inAny("10.0.0.1", "10.0.0.1/32")).toBe(true);
    expect(inAny("10.0.0.2", "10.0.0.1/32")).toBe(false);
    expect(inAny("10.0.0.130", "10.0.0.128/25")).toBe(true);
    expect(inAny("10.0.0.127", "10.0.0.128/25")).toBe(false);
    expect(inAny("10.0.0.9", "10.0.0.8/30")).toBe(true);
    expect(inAny("10.0.0.1", "10.0.0.1")).toBe(true);
    // Host bits after the prefix are ignored.
    expect(inAny("10.1.2.3", "10.9.9.9/8")).toBe(true);
  });
  it("treats IPv4-mapped IPv6 as IPv4 (Elasticsearch stores IPv4 that way)", () => {
    expect(inAny("::ffff:10.0.0.1", "10.0.0.0/8")).toBe(true);
    expect(inAny("::ffff:a00:1", "10.0.0.0/8")).toBe(true);
    expect(inAny("10.0.0.1", "::ffff:10.0.0.0/104")).toBe(true);
    expect(inAny("10.0.0.1", "::ffff:0:0/96")).toBe(true);
    expect(inAny("10.0.0.1", "::/64")).toBe(true);
    expect(inAny("10.0.0.1", "2001:db8::/32")).toBe(false);
  });
  it("matches IPv6 blocks", () => {
    expect(inAny("2001:db8::1", "2001:db8::/32")).toBe(true);
    expect(inAny("2001:db9::1", "2001:db8::/32")).toBe(false);
    expect(inAny("fe80::abcd", "fe80::/10")).toBe(true);
    expect(inAny("fec0::1", "fe80::/10")).toBe(false);
  });
  it("gives false for a value that is not an address", () => {
    expect(inAny("nope", "0.0.0.0/0")).toBe(false);
  });
  it("throws CidrError with the index of a malformed block", () => {
    for (const bad of [
      "10.0.0.0/33",
      "::/129",
      "10.0.0/8",
      "10.0.0.0/",
      "10.0.0.0/a",
      "x/8",
      "10.0.0.0/-1",
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
    try {
      compileCidrs(["10.0.0.0/8", "10.0.0.0/99"]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CidrError);
      expect((e as CidrError).index).toBe(1);
    }
  });
});

describe("ipEquals and term matching", () => {
  it("compares addresses, not text", () => {
    expect(ipEquals("10.0.0.1", "::ffff:10.0.0.1")).toBe(true);
    expect(ipEquals("2001:db8::1", "2001:DB8:0:0:0:0:0:1")).toBe(true);
    expect(ipEquals("10.0.0.1", "10.0.0.2")).toBe(false);
    expect(ipEquals("x", "x")).toBe(false);
  });
  it("accepts an address or a CIDR block as the term", () => {
    expect(compileIpTermMatcher("10.0.0.1")("::ffff:10.0.0.1")).toBe(true);
    expect(compileIpTermMatcher("10.0.0.0/8")("10.3.4.5")).toBe(true);
    expect(() => compileIpTermMatcher("bogus")).toThrow(CidrError);
  });
});
