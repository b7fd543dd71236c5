/** A running server (see nats-server.mjs). */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Kill the server and remove its storage. */
  stop(): Promise<void>;
  /** Kill the server and start it again on the same port with the same storage. */
  restart(): Promise<void>;
}

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** Extra configuration file text (e.g. `mappings = { ... }`). */
  readonly config?: string;
  /** Start without JetStream. */
  readonly noJetStream?: boolean;
}

/** A port no one listens on now. */
export declare function freePort(): Promise<number>;

/** Start a server on 127.0.0.1 and wait until it accepts connections. */
export declare function startNatsServer(options?: NatsServerOptions): Promise<NatsServer>;
