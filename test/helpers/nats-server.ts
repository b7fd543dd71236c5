/**
 * A real `nats-server` for tests: JetStream on, on 127.0.0.1 only, on a port the OS chose, with its
 * storage in a fresh temporary directory. The same code starts the server for `npm run scale:check`.
 */
export {
  freePort,
  type NatsServer,
  type NatsServerOptions,
  startNatsServer,
} from "../../scripts/lib/nats-server.mjs";
