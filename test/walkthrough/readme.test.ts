/**
 * The README's `console` blocks, run as a newcomer would, in order, in a fresh copy of the rules and
 * examples: each `$ command` must print what the README shows (its standard output, then its
 * standard error). A line `...` in the README stands for any number of lines. The commands that talk
 * to NATS at `nats://127.0.0.1:4222` talk to a real server the test starts on a free port of
 * 127.0.0.1 (its address is written back as the README's in what they print).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ROOT, tempDir } from "../cli/helpers.js";
import { type NatsServer, startNatsServer } from "../helpers/nats-server.js";

beforeAll(ensureBuilt, 180_000);

/** The address the README's NATS examples use. */
const README_NATS = "nats://127.0.0.1:4222";
let nats: NatsServer | undefined;
afterAll(async () => {
  await nats?.stop();
});

interface Step {
  readonly command: string;
  readonly expected: string[];
  readonly line: number;
}

/** The `$` commands of the README's console blocks, with the lines printed under each. */
function readmeSteps(text: string): Step[] {
  const steps: Step[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```console\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    let current: { command: string; expected: string[]; line: number } | undefined;
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ""); i++) {
      const line = (lines[i] ?? "").slice(indent);
      if (line.startsWith("$ ")) {
        if (current) steps.push(current);
        let command = line.slice(2);
        const at = i + 1;
        while (command.endsWith("\\") && i + 1 < lines.length)
          command = `${command}\n${(lines[++i] ?? "").slice(indent)}`;
        current = { command, expected: [], line: at };
      } else current?.expected.push(line);
    }
    if (current) steps.push(current);
  }
  return steps;
}

/** Whether `actual` lines match `expected`, where an expected `...` matches any run of lines. */
function fits(actual: readonly string[], expected: readonly string[]): boolean {
  const [head, ...rest] = expected;
  if (head === undefined) return actual.length === 0;
  if (head === "...") {
    for (let k = 0; k <= actual.length; k++) if (fits(actual.slice(k), rest)) return true;
    return false;
  }
  return actual[0] === head && fits(actual.slice(1), rest);
}

function tidy(text: string): string[] {
  const lines = text
    .replace(/\s+$/, "")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""));
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

describe("README walkthrough", () => {
  const steps = readmeSteps(readFileSync(join(ROOT, "README.md"), "utf8"));

  it("has console examples to run", () => {
    expect(steps.length).toBeGreaterThan(5);
  });

  it("every command prints what the README shows, in order, in a fresh copy", {
    timeout: 300_000,
  }, async () => {
    if (steps.some((s) => s.command.includes(README_NATS))) nats = await startNatsServer();
    const dir = tempDir("readme");
    for (const part of ["package.json", "rules", "examples"])
      cpSync(join(ROOT, part), join(dir, part), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    symlinkSync(join(ROOT, "dist"), join(dir, "dist"));
    execFileSync("git", ["init", "-q"], { cwd: dir });
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", npm_config_update_notifier: "false" };
    delete env.FORCE_COLOR;
    for (const step of steps) {
      const command = nats ? step.command.replaceAll(README_NATS, nats.url) : step.command;
      const r = spawnSync("bash", ["-c", command], {
        cwd: dir,
        env,
        encoding: "utf8",
        timeout: 120_000,
      });
      const shown = (text: string) => (nats ? text.replaceAll(nats.url, README_NATS) : text);
      const actual = [...tidy(shown(r.stdout)), ...tidy(shown(r.stderr))];
      expect(
        fits(actual, tidy(step.expected.join("\n"))),
        `README.md:${step.line}: ${step.command}\n${actual.join("\n")}`,
      ).toBe(true);
    }
  });
});
