/**
 * `mini-eql test`: run every rule's fixture file (`<rule>.fixtures.json` beside `<rule>.toml`) and
 * report each failure with the rule's explanation; `--junit FILE` writes the results for CI.
 *
 * A fixture file that cannot be used (bad JSON, no rule file, a rule that does not load) and a
 * fixture that cannot run (a bad `expect` value) are errors, told apart from failed fixtures; a file
 * with an empty `fixtures` list is a warning. Any of them makes the exit status 1.
 */

import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runRuleFixtures } from "../../node/rules/fixtures.js";
import type { CliContext } from "../context.js";
import { ExitCode, errnoText, UsageError } from "../errors.js";
import { type JunitCase, type JunitSuite, renderJunit } from "../junit.js";
import { plural } from "../report.js";
import { printable } from "../term.js";

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
  let errors = 0;
  let files = 0;
  let unloadable = 0;
  let empty = 0;
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
        unloadable++;
        ctx.stdout.write(`${c.red("ERROR")} ${printable(name)}: ${printable(report.error, true)}\n`);
        suites.push({ name, cases: [{ name: "load", classname, error: report.error }] });
        continue;
      }
      if (report.empty) {
        empty++;
        ctx.stdout.write(
          `${c.yellow("WARN")} ${printable(name)}: no fixtures (the "fixtures" list is empty)\n`,
        );
        suites.push({ name, cases: [{ name: "fixtures", classname, error: "no fixtures" }] });
        continue;
      }
      const ok = report.outcomes.filter((o) => o.ok).length;
      const bad = report.outcomes.length - ok;
      passed += ok;
      failed += bad;
      errors += report.errors.length;
      const status = bad === 0 && report.errors.length === 0 ? c.green("ok  ") : c.red("FAIL");
      const counts = `${ok} passed, ${bad} failed${report.errors.length > 0 ? `, ${plural(report.errors.length, "error")}` : ""}`;
      ctx.stdout.write(`${status} ${printable(name)}: ${counts}\n`);
      for (const o of report.outcomes) {
        if (!o.ok && o.message) ctx.stdout.write(`${printable(o.message, true).replace(/^/gm, "    ")}\n`);
      }
      for (const e of report.errors) {
        ctx.stdout.write(
          `    ${c.red("error")}: ${printable(String(e.id ?? `fixture #${e.index + 1}`))}: ${printable(String(e.error), true)}; not run\n`,
        );
      }
      const cases: { index: number; case: JunitCase }[] = [
        ...report.outcomes.map((o) => ({
          index: o.index,
          case: {
            name: `${o.fixture.id ?? `#${o.index + 1}`}: ${o.fixture.label}`,
            classname,
            ...(o.ok ? {} : { failure: o.message ?? `expected ${o.fixture.expect}, got ${o.actual}` }),
          },
        })),
        ...report.errors.map((e) => ({
          index: e.index,
          case: {
            name: `${e.id ?? `#${e.index + 1}`}: ${e.label ?? "(no label)"}`,
            classname,
            error: e.error,
          },
        })),
      ];
      suites.push({ name, cases: cases.sort((a, b) => a.index - b.index).map((x) => x.case) });
    }
  }
  if (opts.junit) {
    // As JUnit reporters do, the report's directory is created when missing (reports/rules.xml).
    mkdirSync(dirname(opts.junit), { recursive: true });
    writeFileSync(opts.junit, renderJunit(suites));
  }
  if (files === 0) ctx.stderr.write(`no *.fixtures.json file under ${printable(opts.rules.join(", "))}\n`);
  let line = `fixtures: ${passed} passed, ${failed} failed`;
  if (errors > 0) line += `, ${plural(errors, "error")} (not run)`;
  line += ` in ${plural(files, "file")}`;
  if (unloadable > 0) line += `; ${plural(unloadable, "file")} could not be loaded`;
  if (empty > 0) line += `; ${plural(empty, "file")} with no fixtures`;
  ctx.stdout.write(`${line}\n`);
  // A run that tested nothing is a failure too: in CI it usually means a wrong path.
  const bad = failed > 0 || errors > 0 || unloadable > 0 || empty > 0 || files === 0;
  return bad ? ExitCode.FAILURE : ExitCode.OK;
}
