/**
 * Lucene `RegExp` syntax (Elasticsearch's `regexp` query with flags `ALL`) translated to an
 * anchored JavaScript `RegExp`. The parser follows Lucene's recursive-descent rules exactly,
 * including its quirks: a `|`, `*`, `)` or `&` where an expression must start is a literal character;
 * `\` before a letter other than `d D s S w W` is an error; `\s` is only `[ \t\n\r]` and `\w` only
 * `[A-Za-z0-9_]`; `^` and `$` are ordinary characters.
 *
 * Case-insensitive matching (`regex~`) follows Lucene's `ASCII_CASE_INSENSITIVE`: single characters
 * and quoted strings match either case of ASCII letters; ranges (`[a-z]`) and `\w`-style classes do
 * not fold. Intersection `&` and complement `~` have no JavaScript equivalent in general; they are
 * translated with lookaheads where the sub-pattern must run to the end of the value (the whole
 * pattern, a top-level alternative, an operand of another `&`/`~`, the last item of such a
 * sequence, or an optional `?` there), and rejected elsewhere with `LuceneRegexError`.
 *
 * JavaScript regexes backtrack where Lucene runs an automaton, so a pathological pattern (such as
 * `(a*)*b`) can be slow on long values.
 */

/** A pattern Lucene would reject, or one we cannot translate faithfully. `offset` is in UTF-16 units. */
export class LuceneRegexError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = "LuceneRegexError";
  }
}

const MAX_CP = 0x10ffff;

/** A set of code points as sorted, disjoint, non-adjacent inclusive ranges. */
type Ranges = readonly (readonly [number, number])[];

type Node =
  | { k: "union"; alts: Node[] }
  | { k: "concat"; items: Node[] }
  | { k: "inter"; ops: Node[]; at: number }
  | { k: "compl"; e: Node; at: number }
  | { k: "repeat"; e: Node; min: number; max: number }
  | { k: "set"; ranges: Ranges }
  | { k: "empty" }
  | { k: "anystr" }
  | { k: "interval"; min: number; max: number; digits: number };

function normalize(input: readonly (readonly [number, number])[]): Ranges {
  const sorted = [...input].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(r: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of r) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const DIGIT: Ranges = [[0x30, 0x39]];
const SPACE: Ranges = normalize([
  [0x20, 0x20],
  [0x09, 0x0a],
  [0x0d, 0x0d],
]);
const WORD: Ranges = normalize([
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]);
const ANY: Ranges = [[0, MAX_CP]];

const PREDEFINED: Readonly<Record<string, Ranges>> = {
  d: DIGIT,
  D: complement(DIGIT),
  s: SPACE,
  S: complement(SPACE),
  w: WORD,
  W: complement(WORD),
};

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

  /** One literal character; under `regex~`, ASCII letters match either case. */
  char(cp: number): Node {
    if (this.insensitive && cp < 0x80) {
      const c = String.fromCharCode(cp);
      const other = (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()).charCodeAt(0);
      if (other !== cp)
        return {
          k: "set",
          ranges: normalize([
            [cp, cp],
            [other, other],
          ]),
        };
    }
    return { k: "set", ranges: [[cp, cp]] };
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
      if (this.match("?")) e = { k: "repeat", e, min: 0, max: 1 };
      else if (this.match("*")) e = { k: "repeat", e, min: 0, max: Number.POSITIVE_INFINITY };
      else if (this.match("+")) e = { k: "repeat", e, min: 1, max: Number.POSITIVE_INFINITY };
      else {
        this.match("{");
        const n = this.digits();
        if (n === null) this.fail("integer expected");
        let m: number = n;
        if (this.match(",")) m = this.digits() ?? Number.POSITIVE_INFINITY;
        this.expect("}");
        e = { k: "repeat", e, min: n, max: m };
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
    return { k: "interval", min, max, digits };
  }
}

function hex(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) {
    return String.fromCharCode(cp);
  }
  return `\\u{${cp.toString(16)}}`;
}

function emitSet(r: Ranges): string {
  if (r.length === 0) return "(?!)";
  if (r.length === 1 && (r[0] as readonly [number, number])[0] === (r[0] as readonly [number, number])[1]) {
    return hex((r[0] as readonly [number, number])[0]);
  }
  if (
    r.length === 1 &&
    (r[0] as readonly [number, number])[0] === 0 &&
    (r[0] as readonly [number, number])[1] === MAX_CP
  ) {
    return "[^]";
  }
  return `[${r.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join("")}]`;
}

/** Regex for decimal strings of exactly `lo.length` digits between `lo` and `hi` (same width). */
function fixedWidthRange(lo: string, hi: string): string {
  if (lo.length === 0) return "";
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (a === b) return `${a}${fixedWidthRange(restLo, restHi)}`;
  const tail = restLo.length;
  const zeros = "0".repeat(tail);
  const nines = "9".repeat(tail);
  const any = tail > 0 ? `[0-9]{${tail}}` : "";
  const parts: string[] = [];
  const from = restLo === zeros ? a : a + 1;
  const to = restHi === nines ? b : b - 1;
  if (restLo !== zeros) parts.push(`${a}${fixedWidthRange(restLo, nines)}`);
  if (from <= to) parts.push(`${from === to ? from : `[${from}-${to}]`}${any}`);
  if (restHi !== nines) parts.push(`${b}${fixedWidthRange(zeros, restHi)}`);
  return parts.length === 1 ? (parts[0] as string) : `(?:${parts.join("|")})`;
}

/**
 * Lucene's numeric interval `<min-max>`: when both bounds were written with the same width, values
 * must have exactly that many digits (zero-padded); otherwise any number of leading zeros is
 * accepted (`Automata.makeDecimalInterval`).
 */
function emitInterval(min: number, max: number, digits: number): string {
  if (digits > 0)
    return fixedWidthRange(String(min).padStart(digits, "0"), String(max).padStart(digits, "0"));
  const lo = String(min);
  const hi = String(max);
  const parts: string[] = [];
  for (let w = lo.length; w <= hi.length; w++) {
    const a = w === lo.length ? lo : `1${"0".repeat(w - 1)}`;
    const b = w === hi.length ? hi : "9".repeat(w);
    parts.push(fixedWidthRange(a, b));
  }
  return `0*(?:${parts.join("|")})`;
}

/**
 * Emit JavaScript for `n`. `anchored` means `n` must match exactly the rest of the value, which is
 * what makes lookahead translations of `&` and `~` exact.
 */
function emit(n: Node, anchored: boolean): string {
  switch (n.k) {
    case "set":
      return emitSet(n.ranges);
    case "empty":
      return "(?!)";
    case "anystr":
      return "[^]*";
    case "interval":
      return emitInterval(n.min, n.max, n.digits);
    case "union":
      return `(?:${n.alts.map((a) => emit(a, anchored)).join("|")})`;
    case "concat":
      return n.items.map((it, i) => emit(it, anchored && i === n.items.length - 1)).join("");
    case "inter": {
      if (!anchored) {
        throw new LuceneRegexError(
          n.at,
          "intersection (&) is only supported where it runs to the end of the value",
        );
      }
      const ops = n.ops.map((o) => `(?:${emit(o, true)})`);
      const last = ops.pop() as string;
      return `${ops.map((o) => `(?=${o}$)`).join("")}${last}`;
    }
    case "compl":
      if (!anchored) {
        throw new LuceneRegexError(
          n.at,
          "complement (~) is only supported where it runs to the end of the value",
        );
      }
      return `(?!(?:${emit(n.e, true)})$)[^]*`;
    case "repeat": {
      if (n.min > n.max) return "(?!)";
      // An optional item followed by the end of the value stays anchored: either it matches the
      // rest exactly, or it is empty and the rest is empty.
      if (n.min === 0 && n.max === 1) return `(?:${emit(n.e, anchored)})?`;
      const inner = `(?:${emit(n.e, false)})`;
      if (n.max === Number.POSITIVE_INFINITY) {
        if (n.min === 0) return `${inner}*`;
        if (n.min === 1) return `${inner}+`;
        return `${inner}{${n.min},}`;
      }
      return n.min === n.max ? `${inner}{${n.min}}` : `${inner}{${n.min},${n.max}}`;
    }
  }
}

/** Translate a Lucene regular expression into the body of an anchored JS regex (flags `su`). */
export function translateLuceneRegex(pattern: string, insensitive: boolean): string {
  const p = new Parser(pattern, insensitive);
  if (pattern.length === 0) return "";
  const tree = p.parseUnion();
  if (p.more()) p.fail("unexpected character");
  return emit(tree, true);
}

/**
 * Compile a Lucene regular expression (`regex`, or `regex~` with `insensitive`) into a whole-value
 * matcher. Throws `LuceneRegexError` for a pattern Lucene rejects or one we cannot translate.
 */
export function compileLuceneRegex(pattern: string, insensitive: boolean): (value: string) => boolean {
  const body = translateLuceneRegex(pattern, insensitive);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${body})$`, "su");
  } catch (e) {
    throw new LuceneRegexError(0, `pattern cannot be translated: ${(e as Error).message}`);
  }
  return (v) => re.test(v);
}
