/**
 * A real `nats-server` for tests and checks: JetStream on, listening on 127.0.0.1 only, on a port the
 * OS chose, with its storage in a fresh temporary directory. The binary is $NATS_SERVER or the
 * `nats-server` on the PATH (Debian's package installs it).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BINARY = process.env.NATS_SERVER ?? "nats-server";

/** A port no one listens on now: the OS picks it for a listener that is closed at once. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True once something on the port greets a new connection (the server sends INFO at once). */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("data", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitUntilAccepting(port, child, log) {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}:\n${log()}`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not accept connections on 127.0.0.1:${port}:\n${log()}`);
}

/**
 * Start a server and wait until it accepts connections.
 * @param {{ config?: string, noJetStream?: boolean }} [options] extra configuration file text; no JetStream
 */
export async function startNatsServer(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "mini-eql-nats-"));
  const port = await freePort();
  const conf = join(dir, "server.conf");
  writeFileSync(conf, `${options.config ?? ""}\n`);
  const args = ["-a", "127.0.0.1", "-p", String(port), "-c", conf];
  if (!options.noJetStream) args.push("-js", "-sd", join(dir, "store"));
  let child;
  let output = "";
  const launch = async () => {
    output = "";
    child = spawn(BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
    const started = new Promise((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (e) =>
        reject(
          e.code === "ENOENT"
            ? new Error(
                `${BINARY} not found: install nats-server (Debian package nats-server) or set NATS_SERVER`,
              )
            : e,
        ),
      );
    });
    child.stdout.on("data", (b) => {
      output += b.toString("utf8");
    });
    child.stderr.on("data", (b) => {
      output += b.toString("utf8");
    });
    await started;
    await waitUntilAccepting(port, child, () => output);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await kill();
      await launch();
    },
  };
}
