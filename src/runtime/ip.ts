/**
 * IP addresses and CIDR blocks with Elasticsearch `ip` field semantics. Every address is held as 16
 * bytes; an IPv4 address becomes the IPv4-mapped IPv6 address `::ffff:a.b.c.d`, as Elasticsearch
 * stores it. So `::ffff:10.0.0.1` is in `10.0.0.0/8`, and an IPv4 block `a.b.c.d/n` is the IPv6
 * block `::ffff:a.b.c.d/(96+n)`; an IPv6 block that covers `::ffff:0:0/96` (such as `::/64`) also
 * covers IPv4 addresses.
 */

/** A malformed CIDR block or IP literal; `index` is its position in the list given. */
export class CidrError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = "CidrError";
  }
}

/** Parse dotted-quad IPv4 into `out` at `at`. Octets are 0-255 without leading zeros (as ES). */
function parseV4Into(s: string, out: Uint8Array, at: number): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (p.length === 0 || p.length > 3 || !/^[0-9]+$/.test(p)) return false;
    if (p.length > 1 && p[0] === "0") return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

function parseV6(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  let text = s;
  let tailV4: string | null = null;
  const lastColon = text.lastIndexOf(":");
  if (lastColon < 0) return null;
  if (text.includes(".", lastColon)) {
    tailV4 = text.slice(lastColon + 1);
    // Keep the colon so that a trailing "::" before the IPv4 part stays visible.
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = text.indexOf("::");
  if (dbl >= 0 && text.indexOf("::", dbl + 1) >= 0) return null;
  const parseGroups = (t: string): number[] | null => {
    if (t === "") return [];
    const groups: number[] = [];
    for (const g of t.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl));
    const tail = parseGroups(text.slice(dbl + 2));
    if (!head || !tail) return null;
    const skipped = 8 - head.length - tail.length;
    // "::" must stand for at least one group.
    if (skipped < 1) return null;
    groups = [...head, ...new Array<number>(skipped).fill(0), ...tail];
  } else {
    const all = parseGroups(text);
    if (all?.length !== 8) return null;
    groups = all;
  }
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (tailV4 !== null && !parseV4Into(tailV4, out, 12)) return null;
  return out;
}

/**
 * Parse an IPv4 or IPv6 address (`::`, embedded IPv4 such as `::ffff:1.2.3.4`) into 16 bytes,
 * IPv4 as IPv4-mapped. Zone ids (`fe80::1%eth0`), brackets and anything else give null.
 */
export function parseIp(s: string): Uint8Array | null {
  if (s.includes(":")) return parseV6(s);
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  return parseV4Into(s, out, 12) ? out : null;
}

/** A parsed CIDR block: network bytes and prefix length, both in the 16-byte space. */
export interface CidrBlock {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * Parse `addr/len` (or a bare address, meaning a single host) into a 16-byte block; null when
 * malformed. Host bits after the prefix may be set; they are ignored, as in Elasticsearch.
 */
export function parseCidr(block: string): CidrBlock | null {
  const slash = block.indexOf("/");
  const addrText = slash < 0 ? block : block.slice(0, slash);
  const bytes = parseIp(addrText);
  if (!bytes) return null;
  const v4 = !addrText.includes(":");
  const max = v4 ? 32 : 128;
  let bits = max;
  if (slash >= 0) {
    const lenText = block.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(lenText)) return null;
    bits = Number(lenText);
    if (bits > max) return null;
  }
  return { bytes, bits: v4 ? bits + 96 : bits };
}

function inBlock(ip: Uint8Array, block: CidrBlock): boolean {
  const full = block.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== block.bytes[i]) return false;
  const rest = block.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip[full] as number) & mask) === ((block.bytes[full] as number) & mask);
}

/**
 * Compile CIDR blocks into a membership test. Throws `CidrError` (with the block's index) for a
 * malformed block, since Elasticsearch rejects the whole query then. The test gives false for a
 * value that is not an IP address.
 */
export function compileCidrs(blocks: readonly string[]): (ip: string) => boolean {
  const parsed = blocks.map((b, i) => {
    const block = parseCidr(b);
    if (!block) throw new CidrError(i, `invalid CIDR block [${b}]`);
    return block;
  });
  return (ip) => {
    const bytes = parseIp(ip);
    if (!bytes) return false;
    for (const block of parsed) if (inBlock(bytes, block)) return true;
    return false;
  };
}

/** True when both strings are valid IP addresses naming the same address (`10.0.0.1` = `::ffff:a00:1`). */
export function ipEquals(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return false;
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * The matcher for `field == literal` on an `ip`-mapped field: a term query there accepts an
 * address or a CIDR block. Throws `CidrError` (index 0) when the literal is neither.
 */
export function compileIpTermMatcher(literal: string): (value: string) => boolean {
  return compileCidrs([literal]);
}
