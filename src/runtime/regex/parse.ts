/**
 * The parser for Lucene `RegExp` syntax as Elasticsearch's `regexp` query reads it (flags `ALL`, so
 * `&`, `~`, `#`, `@` and `<n-m>` are operators). It follows Lucene's recursive-descent rules
 * exactly, including its quirks: a `|`, `*`, `)` or `&` where an expression must start is a literal
 * character; `\` before a letter other than `d D s S w W` is an error; `\s` is only `[ \t\n\r]` and
 * `\w` only `[A-Za-z0-9_]`; `^` and `$` are ordinary characters. Under `regex~` single characters and
 * quoted strings match their case variants (`fold.ts`); ranges (`[a-z]`) and `\w`-style classes do
 * not fold.
 */

import { LuceneRegexError } from "./error.js";
import { caseVariants } from "./fold.js";
import { ANY, complement, normalize, PREDEFINED, type Ranges } from "./ranges.js";

/** The parsed pattern. Offsets (`at`) point at the operator, for error messages. */
export type RegexNode =
  | { k: "union"; alts: RegexNode[] }
  | { k: "concat"; items: RegexNode[] }
  | { k: "inter"; ops: RegexNode[]; at: number }
  | { k: "compl"; e: RegexNode; at: number }
  | { k: "repeat"; e: RegexNode; min: number; max: number; at: number }
  | { k: "set"; ranges: Ranges }
  | { k: "empty" }
  | { k: "anystr" }
  | { k: "interval"; min: number; max: number; digits: number; at: number };

type Node = RegexNode;

/** Java's `Pattern` rule Lucene copies: a backslash before these letters is an error. */
const BAD_ESCAPE_LETTERS = "abcefghijklmnopqrtuvxyzABCEFGHIJKLMNOPQRTUVXYZ";

class Parser {
  pos = 0;

  constructor(
    readonly src: string,
    readonly insensitive: boolean,
  ) {}

  fail(message: string, at = this.pos): never {
    throw new LuceneRegexError(at, message);
  }

  more(): boolean {
    return this.pos < this.src.length;
  }

  peekIn(chars: string): boolean {
    if (!this.more()) return false;
    return chars.includes(String.fromCodePoint(this.src.codePointAt(this.pos) as number));
  }

  match(ch: string): boolean {
    if (this.more() && this.src.codePointAt(this.pos) === ch.codePointAt(0)) {
      this.pos += ch.length;
      return true;
    }
    return false;
  }

  next(): number {
    if (!this.more()) this.fail("unexpected end of pattern");
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  expect(ch: string): void {
    if (!this.match(ch)) this.fail(`expected '${ch}'`);
  }

  /** One literal character; under `regex~`, also its case variants. */
  char(cp: number): Node {
    if (!this.insensitive) return { k: "set", ranges: [[cp, cp]] };
    return { k: "set", ranges: normalize(caseVariants(cp).map((c) => [c, c] as const)) };
  }

  string(s: string): Node {
    return { k: "concat", items: [...s].map((c) => this.char(c.codePointAt(0) as number)) };
  }

  parseUnion(): Node {
    const alts = [this.parseInter()];
    while (this.match("|")) alts.push(this.parseInter());
    return alts.length === 1 ? (alts[0] as Node) : { k: "union", alts };
  }

  parseInter(): Node {
    const at = this.pos;
    const ops = [this.parseConcat()];
    while (this.match("&")) ops.push(this.parseConcat());
    return ops.length === 1 ? (ops[0] as Node) : { k: "inter", ops, at };
  }

  parseConcat(): Node {
    const items = [this.parseRepeat()];
    while (this.more() && !this.peekIn(")|&")) items.push(this.parseRepeat());
    return items.length === 1 ? (items[0] as Node) : { k: "concat", items };
  }

  digits(): number | null {
    const start = this.pos;
    while (this.peekIn("0123456789")) this.pos++;
    if (start === this.pos) return null;
    const n = Number(this.src.slice(start, this.pos));
    // Lucene reads counts with Integer.parseInt.
    if (n > 2 ** 31 - 1) this.fail("repeat count out of range", start);
    return n;
  }

  parseRepeat(): Node {
    let e = this.parseCompl();
    while (this.peekIn("?*+{")) {
      const at = this.pos;
      if (this.match("?")) e = { k: "repeat", e, min: 0, max: 1, at };
      else if (this.match("*")) e = { k: "repeat", e, min: 0, max: Number.POSITIVE_INFINITY, at };
      else if (this.match("+")) e = { k: "repeat", e, min: 1, max: Number.POSITIVE_INFINITY, at };
      else {
        this.match("{");
        const n = this.digits();
        if (n === null) this.fail("integer expected");
        let m: number = n;
        if (this.match(",")) m = this.digits() ?? Number.POSITIVE_INFINITY;
        this.expect("}");
        e = { k: "repeat", e, min: n, max: m, at };
      }
    }
    return e;
  }

  parseCompl(): Node {
    const at = this.pos;
    if (this.match("~")) return { k: "compl", e: this.parseCompl(), at };
    return this.parseCharClassExp();
  }

  parseCharClassExp(): Node {
    if (!this.match("[")) return this.parseSimple();
    const negate = this.match("^");
    let ranges = this.parseCharClass();
    while (this.more() && !this.peekIn("]")) ranges = normalize([...ranges, ...this.parseCharClass()]);
    if (negate) ranges = complement(ranges);
    this.expect("]");
    return { k: "set", ranges };
  }

  parseCharClass(): Ranges {
    const pre = this.matchPredefined();
    if (pre) return pre.k === "set" ? pre.ranges : [];
    const at = this.pos;
    const from = this.parseCharExp();
    if (this.match("-")) {
      const to = this.parseCharExp();
      if (from > to) this.fail("invalid character range", at);
      return [[from, to]];
    }
    const single = this.char(from);
    return single.k === "set" ? single.ranges : [];
  }

  /** `\d`-style classes and `\\`; consumes a lone backslash otherwise, as Lucene does. */
  matchPredefined(): Node | null {
    if (!this.match("\\")) return null;
    if (this.peekIn("dDwWsS"))
      return { k: "set", ranges: PREDEFINED[String.fromCodePoint(this.next())] as Ranges };
    if (this.peekIn("\\")) return this.char(this.next());
    if (this.peekIn(BAD_ESCAPE_LETTERS)) this.fail(`invalid escape \\${this.src[this.pos]}`, this.pos - 1);
    return null;
  }

  parseCharExp(): number {
    this.match("\\");
    return this.next();
  }

  parseSimple(): Node {
    if (this.match(".")) return { k: "set", ranges: ANY };
    if (this.match("#")) return { k: "empty" };
    if (this.match("@")) return { k: "anystr" };
    if (this.match('"')) {
      const start = this.pos;
      while (this.more() && !this.peekIn('"')) this.next();
      this.expect('"');
      return this.string(this.src.slice(start, this.pos - 1));
    }
    if (this.match("(")) {
      if (this.match(")")) return { k: "concat", items: [] };
      const e = this.parseUnion();
      this.expect(")");
      return e;
    }
    const at = this.pos;
    if (this.match("<")) {
      const start = this.pos;
      while (this.more() && !this.peekIn(">")) this.next();
      this.expect(">");
      return this.interval(this.src.slice(start, this.pos - 1), at);
    }
    const pre = this.matchPredefined();
    if (pre) return pre;
    return this.char(this.parseCharExp());
  }

  interval(body: string, at: number): Node {
    const dash = body.indexOf("-");
    if (dash < 0) this.fail(`named automaton <${body}> is not supported`, at);
    if (dash === 0 || dash === body.length - 1 || dash !== body.lastIndexOf("-"))
      this.fail("interval syntax error", at);
    const lo = body.slice(0, dash);
    const hi = body.slice(dash + 1);
    // Integer.parseInt accepts a leading '+'; the widths (sign included) decide fixed-width mode.
    const javaInt = (t: string): number => {
      if (!/^\+?[0-9]+$/.test(t)) this.fail("interval syntax error", at);
      const n = Number(t);
      if (n > 2 ** 31 - 1) this.fail("interval syntax error", at);
      return n;
    };
    let min = javaInt(lo);
    let max = javaInt(hi);
    const digits = lo.length === hi.length ? lo.length : 0;
    if (min > max) [min, max] = [max, min];
    if (digits > 0 && String(max).length > digits) this.fail("interval syntax error", at);
    return { k: "interval", min, max, digits, at };
  }
}

/**
 * Parse a Lucene regular expression (`regex`, or `regex~` with `insensitive`). Throws
 * `LuceneRegexError` where Lucene rejects the pattern.
 */
export function parseLuceneRegex(pattern: string, insensitive: boolean): RegexNode {
  if (pattern.length === 0) return { k: "concat", items: [] };
  const p = new Parser(pattern, insensitive);
  const tree = p.parseUnion();
  if (p.more()) p.fail("unexpected character");
  return tree;
}
