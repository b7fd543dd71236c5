/** JUnit XML for `mini-eql test --junit`: one test suite per fixture file, one test case per fixture. */

/** One test case. */
export interface JunitCase {
  readonly name: string;
  readonly classname: string;
  /** Failure text; absent when the case passed. */
  readonly failure?: string;
  /** Set when the case could not run at all (unreadable fixture or rule file). */
  readonly error?: string;
}

/** One suite of cases. */
export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // XML 1.0 cannot hold most control characters, even escaped.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

/** Render suites as a JUnit XML document. */
export function renderJunit(suites: readonly JunitSuite[], name = "mini-eql rule fixtures"): string {
  const total = (pick: (c: JunitCase) => boolean) =>
    suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(name)}" tests="${total(() => true)}" failures="${total((c) => c.failure !== undefined)}" errors="${total((c) => c.error !== undefined)}">`,
  ];
  for (const s of suites) {
    const failures = s.cases.filter((c) => c.failure !== undefined).length;
    const errors = s.cases.filter((c) => c.error !== undefined).length;
    lines.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${failures}" errors="${errors}">`,
    );
    for (const c of s.cases) {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.classname)}"`;
      if (c.failure !== undefined) {
        const first = c.failure.split("\n")[0] ?? "";
        lines.push(
          `${open}>`,
          `      <failure message="${escapeXml(first)}">${escapeXml(c.failure)}</failure>`,
          "    </testcase>",
        );
      } else if (c.error !== undefined) {
        lines.push(
          `${open}>`,
          `      <error message="${escapeXml(c.error.split("\n")[0] ?? "")}">${escapeXml(c.error)}</error>`,
          "    </testcase>",
        );
      } else lines.push(`${open}/>`);
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}
