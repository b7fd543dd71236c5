/**
 * Deterministic ids for rules and alerts. A synchronous SHA-256 in plain JavaScript, because the core
 * must run in a browser (no `node:crypto`) and Web Crypto is asynchronous.
 */
import { CYCLE, MAX_ALERT_DEPTH, TOO_DEEP } from "./json-safe.js";

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The message schedule, reused by every call (hashing is synchronous). */
const W = new Uint32Array(64);
const ENCODER = new TextEncoder();
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * SHA-256 of the UTF-8 encoding of `text`, as 64 hex digits. The state lives in locals and the
 * schedule in one shared array, so a block costs no allocation: alert ids hash whole events.
 */
export function sha256Hex(text: string): string {
  const bytes = ENCODER.encode(text);
  const length = bytes.length;
  const blocks = (length + 9 + 63) >> 6;
  const padded = new Uint8Array(blocks << 6);
  padded.set(bytes);
  padded[length] = 0x80;
  const end = padded.length;
  const high = Math.floor(length / 2 ** 29);
  const low = (length << 3) >>> 0;
  padded[end - 8] = high >>> 24;
  padded[end - 7] = (high >>> 16) & 0xff;
  padded[end - 6] = (high >>> 8) & 0xff;
  padded[end - 5] = high & 0xff;
  padded[end - 4] = low >>> 24;
  padded[end - 3] = (low >>> 16) & 0xff;
  padded[end - 2] = (low >>> 8) & 0xff;
  padded[end - 1] = low & 0xff;
  let h0 = 0x6a09e667;
  let h1 = 0xbb67ae85;
  let h2 = 0x3c6ef372;
  let h3 = 0xa54ff53a;
  let h4 = 0x510e527f;
  let h5 = 0x9b05688c;
  let h6 = 0x1f83d9ab;
  let h7 = 0x5be0cd19;
  const w = W;
  for (let off = 0; off < end; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      w[i] =
        ((padded[j] as number) << 24) |
        ((padded[j + 1] as number) << 16) |
        ((padded[j + 2] as number) << 8) |
        (padded[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + s1 + ch + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  return hex32(h0) + hex32(h1) + hex32(h2) + hex32(h3) + hex32(h4) + hex32(h5) + hex32(h6) + hex32(h7);
}

/** A 32-bit word as 8 hex digits, most significant first. */
function hex32(x: number): string {
  return (
    (HEX[(x >>> 24) & 0xff] as string) +
    (HEX[(x >>> 16) & 0xff] as string) +
    (HEX[(x >>> 8) & 0xff] as string) +
    (HEX[x & 0xff] as string)
  );
}

/** A name-based UUID (RFC 9562 version 8, from SHA-256 of `name`): stable across runs and machines. */
export function uuidFromName(name: string): string {
  const hex = sha256Hex(name).slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * JSON with object keys sorted, so equal events hash equally whatever their key order. Values that
 * JSON cannot hold are written as alert documents write them (see `jsonSafe`): BigInt as its decimal
 * text, a container that contains itself as `"[cycle]"`, nesting past `MAX_ALERT_DEPTH` as `"[too deep]"`.
 */
export function canonicalJson(value: unknown): string {
  const open = new Set<object>();
  const write = (v: unknown, depth: number): string => {
    if (typeof v === "bigint") return JSON.stringify(v.toString());
    if (typeof v === "object" && v !== null && !(v instanceof Date)) {
      if (open.has(v)) return JSON.stringify(CYCLE);
      if (depth >= MAX_ALERT_DEPTH) return JSON.stringify(TOO_DEEP);
      open.add(v);
      let text: string;
      if (Array.isArray(v)) {
        const parts: string[] = [];
        for (let i = 0; i < v.length; i++) parts.push(write(v[i], depth + 1));
        text = `[${parts.join(",")}]`;
      } else {
        const keys = Object.keys(v).sort();
        text = `{${keys.map((k) => `${JSON.stringify(k)}:${write((v as Record<string, unknown>)[k], depth + 1)}`).join(",")}}`;
      }
      open.delete(v);
      return text;
    }
    const s = JSON.stringify(v);
    return s === undefined ? "null" : s;
  };
  return write(value, 0);
}
