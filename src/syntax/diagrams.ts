/** Railroad diagrams of the grammar, generated from the parser itself. */
import { createSyntaxDiagramsCode } from "chevrotain";
import { eqlParser } from "./parser.js";

/**
 * The HTML of grammar/diagrams.html. Deterministic: it depends only on the grammar and the pinned
 * chevrotain version (which names the CDN resources the page loads).
 */
export function syntaxDiagramsHtml(): string {
  return createSyntaxDiagramsCode(eqlParser.getSerializedGastProductions());
}
