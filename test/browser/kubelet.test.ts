/**
 * The core entry in a real browser: the browser example is bundled from src/ with esbuild for the
 * browser platform (a Node-only import would fail the build) and Elastic's Kubelet rule is evaluated
 * in headless Chromium (Debian's package, driven by playwright-core): the page's own run, and every
 * fixture of the rule, must give the verdicts they give in Node.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { buildExample } from "../../examples/browser/build.mjs";
import { exceptionItemsFrom, type RuleFixture, ruleFromText, ruleVerdict } from "../../src/index.js";

/** What the example page exposes on `globalThis.miniEqlExample`. */
interface PageApi {
  ruleText: string;
  exceptionsDoc: unknown;
  lib: {
    ruleFromText: (text: string, options: object) => unknown;
    exceptionItemsFrom: (doc: unknown) => unknown[];
    runRules: (
      rules: unknown[],
      events: unknown[],
      options: object,
    ) => { alerts: unknown[]; reports: { suppressed: number; error?: unknown }[] };
  };
}

const CHROMIUM = "/usr/bin/chromium";
const RULE = "rules/linux/lateral_movement_direct_kubelet_access_via_process_args";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// Without Chromium a developer's run skips with the reason; CI must run it (and fails if it cannot).
const skip = !existsSync(CHROMIUM) && !process.env.CI;
const reason = `skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI runs this test`;

describe.skipIf(skip)(`core entry in headless Chromium${skip ? ` (${reason})` : ""}`, () => {
  let context: BrowserContext;
  let profile: string;
  let outdir: string;
  let page: string;
  let inputs: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "mini-eql-browser-test-"));
    const built = await buildExample(outdir);
    page = built.page;
    inputs = Object.keys(built.metafile.inputs);
    profile = mkdtempSync(join(tmpdir(), "mini-eql-chromium-profile-"));
    // A persistent context is how playwright takes a fresh --user-data-dir of our own.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it("bundles src/index.ts for the browser without Node modules", () => {
    expect(inputs).toContain("src/index.ts");
    expect(inputs.filter((i) => i.startsWith("node:") || i.includes("@elastic/ecs"))).toEqual([]);
  });

  it("runs the Kubelet rule in the page and agrees with Node, fixture by fixture", async () => {
    const tab = await context.newPage();
    tab.on("pageerror", (e) => pageErrors.push(e.message));
    tab.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForSelector("body[data-alerts]");
    const shown = await tab.getAttribute("body", "data-alerts");

    // The same rule and events in Node.
    const toml = readFileSync(`${RULE}.toml`, "utf8");
    const exceptions = exceptionItemsFrom(JSON.parse(readFileSync(`${RULE}.exceptions.json`, "utf8")));
    const rule = ruleFromText(toml, { file: "rule.toml", exceptions });
    const events = readFileSync("examples/kubelet-events.ndjson", "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l));
    const inNode = ruleVerdict(rule, events);
    expect(Number(shown)).toBe(inNode.alerts);
    expect(inNode.alerts).toBeGreaterThan(0);
    expect(await tab.textContent("#output")).toContain("Potential Direct Kubelet Access");

    const fixtures = (
      JSON.parse(readFileSync(`${RULE}.fixtures.json`, "utf8")) as { fixtures: RuleFixture[] }
    ).fixtures;
    const verdicts = await tab.evaluate((list) => {
      const { lib, ruleText, exceptionsDoc } = (globalThis as unknown as { miniEqlExample: PageApi })
        .miniEqlExample;
      const loaded = lib.ruleFromText(ruleText, {
        file: "rule.toml",
        exceptions: lib.exceptionItemsFrom(exceptionsDoc),
      });
      return list.map((f) => {
        const evs = f.events ?? (f.event ? [f.event] : []);
        const { alerts, reports } = lib.runRules([loaded], evs, { now: 0, window: false });
        const r = reports[0];
        return r?.error
          ? "error"
          : alerts.length > 0
            ? "alert"
            : (r?.suppressed ?? 0) > 0
              ? "suppressed"
              : "no-alert";
      });
    }, fixtures);
    expect(verdicts).toEqual(fixtures.map((f) => f.expect));
    expect(verdicts).toContain("alert");
    expect(verdicts).toContain("no-alert");
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
