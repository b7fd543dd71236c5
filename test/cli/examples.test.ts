/** The examples in examples/ run against the built package and print what they promise. */
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, KUBELET_EVENTS, ndjson, ROOT, spawnNode, tempDir } from "./helpers.js";

beforeAll(ensureBuilt, 180_000);

function node(args: string[], input?: string): { stdout: string; stderr: string } {
  let stderr = "";
  try {
    const stdout = execFileSync(process.execPath, args, {
      cwd: ROOT,
      input: input ?? "",
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    return { stdout, stderr };
  } catch (e) {
    stderr = String((e as { stderr?: string }).stderr ?? e);
    throw new Error(`node ${args.join(" ")} failed:\n${stderr}`);
  }
}

function post(port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/events", method: "POST" }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe.concurrent("examples", { timeout: 60_000 }, () => {
  it("run-kubelet.mjs (npm start) prints the rule's matches", () => {
    const r = node(["examples/run-kubelet.mjs"]);
    expect(ndjson(r.stdout).length).toBeGreaterThan(0);
  });

  it("service.mjs reads NDJSON on stdin and prints alerts", () => {
    const events = readFileSync(KUBELET_EVENTS, "utf8");
    const out = execFileSync(process.execPath, ["examples/service.mjs"], {
      cwd: ROOT,
      input: `${events}not json\n`,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    const alerts = ndjson(out);
    expect(alerts).toHaveLength(3);
    expect(
      alerts.every(
        (a) => a["kibana.alert.rule.name"] === "Potential Direct Kubelet Access via Process Arguments",
      ),
    ).toBe(true);
  });

  it("service.mjs over HTTP: alerts in the response, and an event sent twice alerts once", async () => {
    const child = spawnNode(["examples/service.mjs"], { PORT: "0" });
    try {
      let err = "";
      child.stderr.setEncoding("utf8");
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on("data", (c: string) => {
          err += c;
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        child.on("exit", () => reject(new Error(`service exited:\n${err}`)));
      });
      const events = readFileSync(KUBELET_EVENTS, "utf8");
      expect(ndjson(await post(port, events))).toHaveLength(3);
      expect(ndjson(await post(port, events))).toHaveLength(0);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  it("custom-function.mjs compiles a query with its own function", () => {
    const r = node(["examples/custom-function.mjs"]);
    expect(r.stdout).toContain("without functions: EQL_UNKNOWN_FUNCTION at line 1, column 41");
    expect(r.stdout).toContain("with urlPort: 5 of 8 events match");
    expect(r.stdout).toContain('["wget","-qO-","http://10.0.4.18:10255/runningpods/"]');
    expect(r.stdout).not.toContain(":6443/");
  });

  it("browser/build.mjs bundles the page (the browser test opens it in Chromium)", () => {
    const dir = tempDir();
    try {
      const r = node(["examples/browser/build.mjs", dir]);
      const [size, open] = r.stdout.trim().split("\n");
      expect(size).toMatch(
        /^app\.bundle\.js: \d+ kB minified, \d+ kB gzipped; parser \(chevrotain\) \d+ kB \(\d+%\)/,
      );
      expect(open).toBe(`open ${pathToFileURL(join(dir, "index.html")).href}`);
      expect(existsSync(join(dir, "app.bundle.js"))).toBe(true);
      expect(readFileSync(join(dir, "index.html"), "utf8")).toContain(
        '<script src="app.bundle.js"></script>',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
