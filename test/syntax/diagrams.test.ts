/**
 * Keeps grammar/diagrams.html in step with the parser. Regenerate it with
 * `UPDATE_DIAGRAMS=1 npx vitest run test/syntax/diagrams.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { syntaxDiagramsHtml } from "../../src/syntax/diagrams.js";

const FILE = fileURLToPath(new URL("../../grammar/diagrams.html", import.meta.url));

describe("grammar/diagrams.html", () => {
  it("is generated deterministically", () => {
    expect(syntaxDiagramsHtml()).toBe(syntaxDiagramsHtml());
  });

  it("matches the parser", () => {
    const html = syntaxDiagramsHtml();
    if (process.env.UPDATE_DIAGRAMS === "1") {
      writeFileSync(FILE, html);
      return;
    }
    expect(existsSync(FILE), "grammar/diagrams.html is missing; run with UPDATE_DIAGRAMS=1").toBe(true);
    // A mismatch means the grammar changed: regenerate with UPDATE_DIAGRAMS=1 and commit the file.
    expect(
      readFileSync(FILE, "utf8") === html,
      "grammar/diagrams.html is stale; run with UPDATE_DIAGRAMS=1",
    ).toBe(true);
  });
});
