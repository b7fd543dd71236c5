/**
 * `mini-eql test`: run every rule's fixture file (`<rule>.fixtures.json` beside `<rule>.toml`) and
 * report each failure with the rule's explanation; `--junit FILE` writes the results for CI.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runRuleFixtures } from "../../node/rules/fixtures.js";
import type { CliContext } from "../context.js";
import { ExitCode, errnoText, UsageError } from "../errors.js";
import { type JunitSuite, renderJunit } from "../junit.js";

/** Options of `mini-eql test`. */
export interface TestOptions {
  rules: string[];
  junit?: string;
  quiet?: boolean;
}

/** Run `mini-eql test`; resolves to the exit status. */
export async function testCommand(opts: TestOptions, ctx: CliContext): Promise<number> {
  if (opts.rules.length === 0) throw new UsageError("test needs --rules <dir>");
  const c = ctx.out;
  const suites: JunitSuite[] = [];
  let passed = 0;
  let failed = 0;
  let files = 0;
  for (const dir of opts.rules) {
    try {
      if (!statSync(dir).isDirectory())
        throw new UsageError(`--rules ${dir}: test expects a directory of rules`);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--rules ${dir}: ${errnoText(e)}`);
    }
    for (const report of runRuleFixtures(dir)) {
      files++;
      const name = join(dir, report.file);
      const classname = report.rule?.rule.name ?? name;
      if (report.error !== undefined) {
        failed++;
        ctx.stdout.write(`${c.red("ERROR")} ${name}: ${report.error}\n`);
        suites.push({ name, cases: [{ name: "load", classname, error: report.error }] });
        continue;
      }
      passed += report.passed;
      failed += report.failed;
      const status = report.failed === 0 ? c.green("ok  ") : c.red("FAIL");
      ctx.stdout.write(`${status} ${name}: ${report.passed} passed, ${report.failed} failed\n`);
      for (const o of report.outcomes) {
        if (!o.ok && o.message) ctx.stdout.write(`${o.message.replace(/^/gm, "    ")}\n`);
      }
      suites.push({
        name,
        cases: report.outcomes.map((o, i) => ({
          name: `${o.fixture.id ?? `#${i + 1}`}: ${o.fixture.label}`,
          classname,
          ...(o.ok ? {} : { failure: o.message ?? `expected ${o.fixture.expect}, got ${o.actual}` }),
        })),
      });
    }
  }
  if (opts.junit) {
    // As JUnit reporters do, the report's directory is created when missing (reports/rules.xml).
    mkdirSync(dirname(opts.junit), { recursive: true });
    writeFileSync(opts.junit, renderJunit(suites));
  }
  if (files === 0) ctx.stderr.write(`no *.fixtures.json file under ${opts.rules.join(", ")}\n`);
  ctx.stdout.write(`fixtures: ${passed} passed, ${failed} failed in ${files} files\n`);
  // A run that tested nothing is a failure too: in CI it usually means a wrong path.
  return failed > 0 || files === 0 ? ExitCode.FAILURE : ExitCode.OK;
}
