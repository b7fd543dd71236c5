/**
 * The NATS client modules, loaded when first needed so that nothing else pays for them. They are
 * CommonJS: bundled into an ES module (the command line), `import()` gives their exports under
 * `default`; unbundled, as named exports. Either way the same objects come out.
 */
type TransportModule = typeof import("@nats-io/transport-node");
type JetStreamModule = typeof import("@nats-io/jetstream");
type KvModule = typeof import("@nats-io/kv");

function interop<T>(mod: T & { default?: T }, probe: keyof T): T {
  return mod[probe] === undefined && mod.default !== undefined ? mod.default : mod;
}

export async function transportModule(): Promise<TransportModule> {
  return interop(await import("@nats-io/transport-node"), "connect");
}

export async function jetStreamModule(): Promise<JetStreamModule> {
  return interop(await import("@nats-io/jetstream"), "jetstream");
}

export async function kvModule(): Promise<KvModule> {
  return interop(await import("@nats-io/kv"), "Kvm");
}
