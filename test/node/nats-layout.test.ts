import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_LAYOUT,
  eventSubject,
  keyToken,
  layoutProblem,
  partitionFilter,
  partitionOf,
  subjectToken,
} from "../../src/node/nats/layout.js";
import { type NatsServer, startNatsServer } from "../helpers/nats-server.js";

const KEYS = DEFAULT_LAYOUT.keyFields;

describe("partitionOf", () => {
  it("is FNV-1a 32 of the UTF-8 bytes, modulo the partitions", () => {
    // Published FNV-1a 32 test vectors.
    expect(partitionOf("", 0x7fffffff)).toBe(0x811c9dc5 % 0x7fffffff);
    expect(partitionOf("a", 2 ** 32 - 1)).toBe(0xe40c292c);
    expect(partitionOf("foobar", 2 ** 32 - 1)).toBe(0xbf9cf968);
    expect(partitionOf("a", 6)).toBe(0xe40c292c % 6);
    // Multi-byte characters are hashed as their UTF-8 bytes.
    expect(partitionOf("é", 2 ** 32 - 1)).not.toBe(partitionOf("\u00e9".normalize("NFD"), 2 ** 32 - 1));
  });

  it("spreads tokens over every partition and refuses a bad count", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(partitionOf(`host-${i}`, 6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => partitionOf("a", 0)).toThrow(RangeError);
    expect(() => partitionOf("a", 1.5)).toThrow(RangeError);
  });
});

describe("keyToken", () => {
  it("reads the first key field present, nested or dotted", () => {
    expect(keyToken({ host: { id: "abc", name: "web-1" } }, KEYS)).toBe("abc");
    expect(keyToken({ "host.id": "abc" }, KEYS)).toBe("abc");
    expect(keyToken({ host: { id: "abc" } }, KEYS)).toBe("abc");
    expect(keyToken({ host: { name: "web-1" } }, KEYS)).toBe("web-1");
    expect(keyToken({ "host.name": "web-1", host: { id: null } }, KEYS)).toBe("web-1");
  });

  it("gives _ without a key, or for an empty one", () => {
    expect(keyToken({}, KEYS)).toBe("_");
    expect(keyToken({ host: { id: null, name: [] } }, KEYS)).toBe("_");
    expect(keyToken({ host: { id: "" } }, KEYS)).toBe("_");
    expect(keyToken(null, KEYS)).toBe("_");
    expect(keyToken("text", KEYS)).toBe("_");
  });

  it("takes the canonical text of numbers, booleans and arrays", () => {
    expect(keyToken({ host: { id: 5 } }, KEYS)).toBe("5");
    expect(keyToken({ host: { id: "5" } }, KEYS)).toBe("5");
    expect(keyToken({ host: { id: 1.5 } }, KEYS)).toBe("1%2E5");
    expect(keyToken({ host: { id: true } }, KEYS)).toBe("true");
    expect(keyToken({ host: { id: ["b", "a", "b"] } }, KEYS)).toBe("b,a");
    expect(keyToken({ host: [{ id: "x" }, { id: "y" }] }, KEYS)).toBe("x,y");
    expect(keyToken({ host: { id: ["a,b"] } }, KEYS)).toBe("a%2Cb");
  });

  it("percent-encodes everything that cannot stand in a subject token", () => {
    expect(keyToken({ host: { id: "a.b*c>d e\tf\u0001%" } }, KEYS)).toBe("a%2Eb%2Ac%3Ed%20e%09f%01%25");
    expect(keyToken({ host: { id: "hôte" } }, KEYS)).toBe("h%C3%B4te");
    expect(keyToken({ host: { id: "a-b_c:d@e+f=g" } }, KEYS)).toBe("a-b_c:d@e+f=g");
    for (const id of ["..", "*", ">", " ", "\u0000", "\ud800", "x".repeat(10_000), "日本語"]) {
      const t = keyToken({ host: { id } }, KEYS);
      expect(t).toMatch(/^[A-Za-z0-9_\-:@+=%,~]+$/);
      expect(t.length).toBeLessThanOrEqual(200);
    }
  });

  it("shortens long keys but keeps them apart", () => {
    const a = keyToken({ host: { id: `${"x".repeat(300)}a` } }, KEYS);
    const b = keyToken({ host: { id: `${"x".repeat(300)}b` } }, KEYS);
    expect(a).toMatch(/^x{160}~[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it("reads only own properties", () => {
    expect(keyToken({ host: { name: "n" } }, ["host.constructor", "host.name"])).toBe("n");
  });
});

describe("subjects", () => {
  it("puts an event under its partition and key", () => {
    const event = { host: { id: "abc" } };
    expect(eventSubject(DEFAULT_LAYOUT, event)).toBe(`events.${partitionOf("abc", 6)}.abc`);
    expect(eventSubject({ ...DEFAULT_LAYOUT, subject: "acme.ev", partitions: 1 }, {})).toBe("acme.ev.0._");
    expect(partitionFilter(DEFAULT_LAYOUT, 3)).toBe("events.3.*");
  });

  it("checks a layout", () => {
    expect(layoutProblem(DEFAULT_LAYOUT)).toBeUndefined();
    expect(layoutProblem({ ...DEFAULT_LAYOUT, subject: "acme.events" })).toBeUndefined();
    expect(layoutProblem({ ...DEFAULT_LAYOUT, stream: "a.b" })).toMatch(/not a stream name/);
    expect(layoutProblem({ ...DEFAULT_LAYOUT, subject: "ev.*" })).toMatch(/not a subject prefix/);
    expect(layoutProblem({ ...DEFAULT_LAYOUT, subject: "ev..x" })).toMatch(/not a subject prefix/);
    expect(layoutProblem({ ...DEFAULT_LAYOUT, partitions: 0 })).toMatch(/partitions/);
    expect(layoutProblem({ ...DEFAULT_LAYOUT, keyFields: [] })).toMatch(/key field/);
  });
});

describe("partitionOf against the server's partition mapping", () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await startNatsServer({
      config: 'mappings = { "pmap.*": "pmapped.{{partition(6,1)}}.{{wildcard(1)}}" }',
      noJetStream: true,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("agrees for a few hundred varied tokens", async () => {
    const values: unknown[] = [];
    for (let i = 0; i < 150; i++) values.push(`host-${i}`);
    for (let i = 0; i < 50; i++) values.push(i * 7919);
    for (let i = 0; i < 50; i++) values.push(`日本-${i}.é*>${String.fromCharCode(i)}`);
    for (let i = 0; i < 50; i++) values.push(`${"z".repeat(i * 9)}${i}`);
    values.push(true, 1.25, "", "_", "%", "a,b", ["x", "y"]);
    const tokens = [...new Set(values.map((id) => keyToken({ host: { id } }, KEYS)))];
    expect(tokens.length).toBeGreaterThan(300);

    const nc = await connect({ servers: server.url });
    try {
      const got = new Map<string, number>();
      const sub = nc.subscribe("pmapped.>");
      const received = (async () => {
        for await (const m of sub) {
          const [, partition, token] = m.subject.split(".");
          got.set(token as string, Number(partition));
          if (got.size === tokens.length) break;
        }
      })();
      await nc.flush();
      for (const t of tokens) nc.publish(`pmap.${t}`, "");
      await nc.flush();
      await received;
      for (const t of tokens) expect([t, got.get(t)]).toEqual([t, partitionOf(t, 6)]);
    } finally {
      await nc.close();
    }
  });
});

describe("subjectToken", () => {
  it("encodes any text as one token, as key tokens are encoded", () => {
    expect(subjectToken("8a4f500d")).toBe("8a4f500d");
    expect(subjectToken("a.b c>*")).toBe("a%2Eb%20c%3E%2A");
    expect(subjectToken("")).toBe("_");
    expect(subjectToken("x".repeat(300))).toMatch(/^x{160}~[0-9a-f]{8}$/);
    expect(subjectToken("web-1")).toBe(keyToken({ host: { id: "web-1" } }, KEYS));
  });
});
