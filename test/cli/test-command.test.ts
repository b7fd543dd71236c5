/** `mini-eql test`: fixtures beside rules, failure explanations, JUnit output and the exit status. */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ensureBuilt, RULES, tempDir } from "./helpers.js";

const KUBELET = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";

beforeAll(ensureBuilt, 180_000);

/** A copy of the Kubelet rule with its fixtures, optionally changed. */
function kubeletCopy(edit: (fixtures: { fixtures: { expect: string }[] }) => void = () => {}): string {
  const dir = tempDir();
  mkdirSync(join(dir, "linux"));
  copyFileSync(`${KUBELET}.toml`, join(dir, "linux/kubelet.toml"));
  copyFileSync(`${KUBELET}.exceptions.json`, join(dir, "linux/kubelet.exceptions.json"));
  const fixtures = JSON.parse(readFileSync(`${KUBELET}.fixtures.json`, "utf8"));
  delete fixtures.rule; // found by base name in the copy
  edit(fixtures);
  writeFileSync(join(dir, "linux/kubelet.fixtures.json"), JSON.stringify(fixtures));
  return dir;
}

describe.concurrent("test", { timeout: 60_000 }, () => {
  it("passes the shipped rule's fixtures and writes JUnit XML", async () => {
    const total = JSON.parse(readFileSync(`${KUBELET}.fixtures.json`, "utf8")).fixtures.length as number;
    const junit = join(tempDir(), "report.xml");
    const r = await cli(["test", "--rules", RULES, "--junit", junit]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`fixtures: ${total} passed, 0 failed in 1 file`);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain(
      `<testsuites name="mini-eql rule fixtures" tests="${total}" failures="0" errors="0">`,
    );
    expect(xml.match(/<testcase /g)).toHaveLength(total);
    expect(xml).toContain('classname="Potential Direct Kubelet Access via Process Arguments"');
    expect(xml).not.toContain("<failure");
  });

  it("explains a failing fixture, records it in JUnit and exits 1", async () => {
    const dir = kubeletCopy((f) => {
      const first = f.fixtures[0] as { expect: string };
      first.expect = first.expect === "alert" ? "no-alert" : "alert";
    });
    const junit = join(dir, "report.xml");
    const r = await cli(["test", "--rules", dir, "--junit", junit]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*kubelet\.fixtures\.json: \d+ passed, 1 failed/);
    expect(r.stdout).toMatch(/expected (no-alert|alert), got (alert|no-alert)/);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/failures="1"/);
    expect(xml).toMatch(/<failure message="[^"]*expected/);
  });

  it("counts an unreadable fixture file as an error", async () => {
    const dir = kubeletCopy();
    writeFileSync(join(dir, "linux/kubelet.fixtures.json"), "{ not json");
    const junit = join(dir, "report.xml");
    const r = await cli(["test", "--rules", dir, "--junit", junit]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("ERROR");
    expect(readFileSync(junit, "utf8")).toMatch(/errors="1"/);
  });

  it("exits 1 when there is no fixture file, 2 without --rules or with a missing directory", async () => {
    const none = await cli(["test", "--rules", tempDir()]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("no *.fixtures.json file");
    expect((await cli(["test"])).status).toBe(2);
    expect((await cli(["test", "--rules", "/no/such/dir"])).status).toBe(2);
  });
});
