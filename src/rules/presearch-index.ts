/**
 * The rule index of a rule set: rules by event category and by the literal terms their filters
 * require (see presearch.ts). Per event it lists the event's own keys once (see `Segments`), reads
 * the category field and, through the shared field table, each indexed field that may have values
 * and that the event's categories look rules up by; looks the values up; keeps the rules found whose
 * other required terms (their checks) the event holds too; and lists those as the candidate rules.
 * A field is scanned at most once per event, for the lookups and the checks together. Rules with
 * nothing to index are always candidates in their category. It never allocates per rule.
 */
import { type CachedFieldReader, type FieldTable, firstStringAt } from "../runtime/field-table.js";
import { foldCase } from "../runtime/text.js";
import type { PresearchAlternative, PresearchTerm } from "./presearch.js";

/** A character trie of prefixes (or reversed suffixes) to the alternatives that require them. */
class Trie {
  private readonly root: TrieNode = { next: new Map(), rules: null };
  size = 0;

  add(text: string, rule: number, reversed: boolean): void {
    let node = this.root;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(reversed ? n - 1 - i : i);
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map(), rules: null };
        node.next.set(c, child);
      }
      node = child;
    }
    if (!node.rules) node.rules = [];
    if (!node.rules.includes(rule)) node.rules.push(rule);
    this.size++;
  }

  /** Calls `hit` with the alternatives of every key that is a prefix (or suffix) of `value`. */
  walk(value: string, reversed: boolean, hit: (rules: readonly number[]) => void): void {
    let node: TrieNode | undefined = this.root;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      node = node.next.get(value.charCodeAt(reversed ? n - 1 - i : i));
      if (!node) return;
      if (node.rules) hit(node.rules);
    }
  }
}

interface TrieNode {
  readonly next: Map<number, TrieNode>;
  rules: number[] | null;
}

interface MatcherNode {
  readonly id: number;
  readonly next: Map<number, MatcherNode>;
  fail: MatcherNode | null;
  /** Alternatives of every key ending here, including through the failure links (filled by `build`). */
  out: number[];
}

/** Code units below this move through a dense table; the rest follow goto and failure links. */
const DENSE = 128;
const DENSE_SHIFT = 7;

/**
 * Substrings to the alternatives that require them, matched in one pass over a value (Aho-Corasick over
 * UTF-16 code units): the cost is the value's length, whatever the number of substrings. ASCII
 * moves are precomputed into a table, so most characters cost one array read.
 */
class SubstringMatcher {
  private readonly nodes: MatcherNode[] = [];
  private readonly root: MatcherNode = this.node();
  private table: Int32Array = new Int32Array(0);
  private built = true;
  size = 0;

  private node(): MatcherNode {
    const n: MatcherNode = { id: this.nodes.length, next: new Map(), fail: null, out: [] };
    this.nodes.push(n);
    return n;
  }

  add(text: string, rule: number): void {
    let node = this.root;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) {
        child = this.node();
        node.next.set(c, child);
      }
      node = child;
    }
    if (!node.out.includes(rule)) node.out.push(rule);
    this.size++;
    this.built = false;
  }

  /** Failure links and the dense moves, breadth first (a node's failure is always built before it). */
  private build(): void {
    const root = this.root;
    const table = new Int32Array(this.nodes.length * DENSE);
    const order: MatcherNode[] = [root];
    for (let q = 0; q < order.length; q++) {
      const node = order[q] as MatcherNode;
      for (const [c, child] of node.next) {
        let f = node.fail;
        while (f !== null && !f.next.has(c)) f = f.fail;
        child.fail = f === null ? root : (f.next.get(c) as MatcherNode);
        for (const r of child.fail.out) if (!child.out.includes(r)) child.out.push(r);
        order.push(child);
      }
      // A move the node lacks is its failure's move (the root's lacking ones stay at the root, 0).
      const row = node.id * DENSE;
      if (node.fail) {
        const from = node.fail.id * DENSE;
        for (let c = 0; c < DENSE; c++) table[row + c] = table[from + c] as number;
      }
      for (const [c, child] of node.next)
        if (c < DENSE) table[row + c] = child.id * DENSE + (child.out.length > 0 ? 1 : 0);
    }
    this.table = table;
    this.built = true;
  }

  /** Calls `hit` with the alternatives of every key that occurs in `value`. */
  walk(value: string, hit: (rules: readonly number[]) => void): void {
    if (!this.built) this.build();
    const { nodes, table, root } = this;
    // A state is its row in the table plus 1 when it ends some substring (rows are multiples of DENSE).
    let state = root.id * DENSE;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < DENSE) state = table[(state & ~1) + c] as number;
      else {
        let node = nodes[state >> DENSE_SHIFT] as MatcherNode;
        let next = node.next.get(c);
        while (next === undefined && node !== root) {
          node = node.fail as MatcherNode;
          next = node.next.get(c);
        }
        const to = next ?? root;
        state = to.id * DENSE + (to.out.length > 0 ? 1 : 0);
      }
      if ((state & 1) === 1) hit((nodes[state >> DENSE_SHIFT] as MatcherNode).out);
    }
  }
}

/**
 * Every term on one field, of every category field's alternatives and of every check: each field is
 * scanned at most once per event, whatever looks at it. A term's target is an alternative (an even
 * number, twice its number) or a check (odd, twice its number plus one).
 *
 * When any term is case-insensitive, every term is kept by its folded text and values are folded
 * before the lookup: a case-sensitive term's value also holds it once both are folded (folding maps
 * each code point alone and keeps the length), so the index stays a superset, and each value is
 * scanned once, at the price of a few more candidates for values that differ from a term only in
 * case.
 */
class FieldTerms {
  readonly exact = new Map<string, number[]>();
  prefixes = new Trie();
  suffixes = new Trie();
  substrings = new SubstringMatcher();
  /** Whether values are case-folded before the lookup (some term here is case-insensitive). */
  folded = false;
  /** Every target with a term here: a value that is not a string may match any of them. */
  readonly all: number[] = [];
  private readonly allSet = new Set<number>();
  /** Whether an alternative looks rules up by a term here (the field is then scanned first). */
  lookup = false;
  /** The categories (numbers, see `PresearchIndex`) of the alternatives looked up here. */
  readonly categories: number[] = [];
  /** Whether an alternative of any category is looked up here. */
  anyCategory = false;
  /** The longest exact term (a longer value cannot equal one). */
  longestExact = -1;
  /** The terms each recently seen value holds (see `scanField`). */
  readonly memo: Map<string, readonly number[]>;
  /** Whether the lookup structures hold every term added. */
  built = true;
  /** The epoch of the last event whose values were scanned. */
  scanned = -1;
  private readonly terms: { readonly term: PresearchTerm; readonly target: number }[] = [];

  /**
   * @param segment the number of the field's first path segment (see `Segments`): the event has
   *   none of the field's values unless it has an own key with that first segment.
   */
  constructor(
    readonly reader: CachedFieldReader,
    readonly segment: number,
    readonly memos: Memos,
  ) {
    this.memo = memos.memo();
  }

  add(term: PresearchTerm, target: number): void {
    if (!this.allSet.has(target)) {
      this.allSet.add(target);
      this.all.push(target);
    }
    this.terms.push({ term, target });
    this.built = false;
  }

  /** Build the lookup structures from every term added (before the first event scanned). */
  build(): void {
    this.folded = this.terms.some((t) => t.term.folded);
    this.exact.clear();
    this.prefixes = new Trie();
    this.suffixes = new Trie();
    this.substrings = new SubstringMatcher();
    this.longestExact = -1;
    this.memo.clear();
    for (const { term, target } of this.terms) {
      // A case-insensitive term's text is folded already.
      const text = this.folded && !term.folded ? foldCase(term.text) : term.text;
      if (term.kind === "exact") {
        if (text.length > this.longestExact) this.longestExact = text.length;
        const list = this.exact.get(text);
        if (!list) this.exact.set(text, [target]);
        else if (!list.includes(target)) list.push(target);
      } else if (term.kind === "prefix") this.prefixes.add(text, target, false);
      else if (term.kind === "contains") this.substrings.add(text, target);
      else this.suffixes.add(text, target, true);
    }
    this.built = true;
  }
}

/**
 * The first segments of the indexed fields' paths, numbered, and which of them the current event has
 * among its own keys. A field's values are reached through an own key of the event whose text up
 * to its first dot (or whole) is the field's first segment (`process` for `process.name`, whether
 * nested or dotted), so a field whose first segment the event lacks has no values and is not read:
 * a few own keys listed per event spare reading dozens of absent fields.
 */
class Segments {
  private readonly ids = new Map<string, number>();
  private marks: number[] = [];
  /** The first segments the last event seen has, in the order of its keys (`seenCount` of them). */
  readonly seen: number[] = [];
  seenCount = 0;

  id(field: string): number {
    const dot = field.indexOf(".");
    const first = dot < 0 ? field : field.slice(0, dot);
    let id = this.ids.get(first);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(first, id);
      this.marks.push(-1);
    }
    return id;
  }

  /** Note the first segments among the own keys of `event`, as of `epoch`. */
  see(event: object, epoch: number): void {
    const { ids, marks, seen } = this;
    let count = 0;
    const keys = Object.getOwnPropertyNames(event);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const dot = k.indexOf(".");
      const id = ids.get(dot < 0 ? k : k.slice(0, dot));
      if (id === undefined || marks[id] === epoch) continue;
      marks[id] = epoch;
      seen[count++] = id;
    }
    this.seenCount = count;
  }

  /** Whether the event seen at `epoch` may hold a value under first segment `id`. */
  has(id: number, epoch: number): boolean {
    return this.marks[id] === epoch;
  }
}

/**
 * What the fields of one index remember of the values they saw (see `scanField`), bounded together:
 * past `MEMO_CHARS` characters of remembered values every field forgets and starts again. A value
 * longer than `MEMO_VALUE_LENGTH` is never remembered.
 */
class Memos {
  private readonly all: Map<string, readonly number[]>[] = [];
  private chars = 0;

  /** A new memo, forgotten with the others. */
  memo(): Map<string, readonly number[]> {
    const m = new Map<string, readonly number[]>();
    this.all.push(m);
    return m;
  }

  /** Remember in `memo` that `value` holds `hits`. */
  remember(memo: Map<string, readonly number[]>, value: string, hits: readonly number[]): void {
    if (value.length > MEMO_VALUE_LENGTH) return;
    this.chars += value.length + MEMO_ENTRY_CHARS;
    if (this.chars > MEMO_CHARS) {
      for (const m of this.all) m.clear();
      this.chars = value.length + MEMO_ENTRY_CHARS;
    }
    memo.set(value, hits);
  }
}

/**
 * A further disjunction some alternatives require, tested only when the lookup found one of them.
 * Alternatives with the same disjunction share one check, so its answer is worked out once per event.
 */
interface Check {
  /** Its number: its target in the fields' terms is `2 * id + 1`. */
  readonly id: number;
  /** The fields its terms are on. */
  readonly fields: FieldTerms[];
}

/** The same disjunction, whatever rule or order it comes in, gives the same key. */
function clauseKey(terms: readonly PresearchTerm[]): string {
  return terms
    .map((t) => JSON.stringify([t.field, t.kind, t.folded, t.text]))
    .sort()
    .join(",");
}

/**
 * The alternatives of one category field (`event.category`, or a rule's `event_category_override`)
 * without a term, by category. Their terms are with every other term, on their fields.
 */
class CategoryIndex {
  /** Category values to their numbers (unique across the index's category fields). */
  readonly categories = new Map<string, number>();
  /** Alternatives without terms, by category number; `anyAlways` for those of any category. */
  readonly always = new Map<number, number[]>();
  readonly anyAlways: number[] = [];

  constructor(readonly reader: CachedFieldReader) {}
}

/** Sizes of the index, for reports. */
export interface PresearchIndexStats {
  /** Rules reached only through literal terms in at least one of their filters. */
  readonly indexedRules: number;
  /** Rules evaluated for every event of their categories (something in them has no literal term). */
  readonly alwaysRules: number;
  /** Terms the rules are looked up by. */
  readonly terms: number;
  /** Distinct further disjunctions tested for the rules a lookup found (see `PresearchAlternative.checks`). */
  readonly checks: number;
}

/**
 * Candidate rules per event. The structures above hold alternatives (numbered across the rules, each
 * rule's in its order), not rules: an event's candidates are the rules of the alternatives it
 * reached, and `reached` tells which alternatives of a candidate those were.
 */
export class PresearchIndex {
  private readonly indices = new Map<string, CategoryIndex>();
  private readonly marks: Float64Array;
  /** Per alternative: the epoch of the last event that reached it, its rule and its checks. */
  private readonly altMarks: number[] = [];
  private readonly altRule: number[] = [];
  private readonly altChecks: (readonly Check[])[] = [];
  /** Alternatives the last event reached through their terms, before their checks. */
  private readonly found: number[] = [];
  /** How many entries of `found` are the current event's (the array is reused, never shrunk). */
  private foundCount = 0;
  private readonly checks = new Map<string, Check>();
  /** Per check: the epoch of the last event that holds one of its terms. */
  private readonly checkMarks: number[] = [];
  private readonly segments = new Segments();
  private readonly memos = new Memos();
  /** Every field with a term, by name. */
  private readonly fields = new Map<string, FieldTerms>();
  /** The fields alternatives are looked up by, by the number of their first segment (see `Segments`). */
  private readonly lookupBySegment: (FieldTerms[] | undefined)[] = [];
  /** Per rule: the number of its first alternative, and how many it has. */
  private readonly altBase: number[] = [];
  private readonly altCount: number[] = [];
  private epoch = 0;
  private terms = 0;
  private readonly always = new Set<number>();
  private readonly rules = new Set<number>();
  /** Per alternative: its category's number, or -1 for any category. */
  private readonly altCategory: number[] = [];
  /** Per category number: the epoch of the last event in that category. */
  private readonly categoryMarks: number[] = [];
  /**
   * Note the targets of `hits` (see `FieldTerms`): each check, and while alternatives are looked up
   * (not while checks are tested) each alternative of a category of the event.
   */
  private readonly markAll = (hits: readonly number[]) => this.markTargets(hits, true);
  private readonly markChecks = (hits: readonly number[]) => this.markTargets(hits, false);
  /** Mark the alternatives of `alts` that are of a category of the event. */
  private readonly mark = (alts: readonly number[]) => {
    for (let i = 0; i < alts.length; i++) this.markAlternative(alts[i] as number);
  };

  constructor(
    private readonly table: FieldTable,
    ruleCount: number,
  ) {
    this.marks = new Float64Array(ruleCount).fill(-1);
  }

  /** Register rule number `rule` (0 ≤ rule < ruleCount) under its alternatives. */
  add(rule: number, categoryField: string, alternatives: readonly PresearchAlternative[]): void {
    let index = this.indices.get(categoryField);
    if (!index) {
      index = new CategoryIndex(this.table.reader([categoryField]));
      this.indices.set(categoryField, index);
    }
    this.rules.add(rule);
    this.altBase[rule] = this.altRule.length;
    this.altCount[rule] = alternatives.length;
    for (const alt of alternatives) {
      const id = this.altRule.length;
      this.altRule.push(rule);
      this.altMarks.push(-1);
      const checks: Check[] = [];
      this.altChecks.push(checks);
      let category = -1;
      if (alt.category !== null) {
        const known = index.categories.get(alt.category);
        category = known ?? this.categoryMarks.length;
        if (known === undefined) {
          index.categories.set(alt.category, category);
          this.categoryMarks.push(-1);
        }
      }
      this.altCategory.push(category);
      if (alt.terms === null) {
        this.always.add(rule);
        let list = index.anyAlways;
        if (category >= 0) {
          list = index.always.get(category) ?? [];
          index.always.set(category, list);
        }
        if (!list.includes(id)) list.push(id);
        continue;
      }
      for (const term of alt.terms) {
        const f = this.field(term.field);
        f.add(term, 2 * id);
        if (!f.lookup) {
          f.lookup = true;
          const same = this.lookupBySegment[f.segment];
          if (same) same.push(f);
          else this.lookupBySegment[f.segment] = [f];
        }
        if (category < 0) f.anyCategory = true;
        else if (!f.categories.includes(category)) f.categories.push(category);
      }
      this.terms += alt.terms.length;
      for (const clause of alt.checks) {
        const key = clauseKey(clause);
        let check = this.checks.get(key);
        if (!check) {
          check = { id: this.checkMarks.length, fields: [] };
          this.checkMarks.push(-1);
          for (const term of clause) {
            const f = this.field(term.field);
            f.add(term, 2 * check.id + 1);
            if (!check.fields.includes(f)) check.fields.push(f);
          }
          this.checks.set(key, check);
        }
        if (!checks.includes(check)) checks.push(check);
      }
    }
  }

  /** The terms on `name`, made on first use. */
  private field(name: string): FieldTerms {
    let f = this.fields.get(name);
    if (!f) {
      f = new FieldTerms(this.table.reader([name]), this.segments.id(name), this.memos);
      this.fields.set(name, f);
    }
    return f;
  }

  /** How many rules are indexed by terms and how many always run. */
  stats(): PresearchIndexStats {
    return {
      indexedRules: this.rules.size - this.always.size,
      alwaysRules: this.always.size,
      terms: this.terms,
      checks: this.checks.size,
    };
  }

  /**
   * The candidate rules for `event`, ascending (do not modify the array). The field table must
   * already be on this event's epoch.
   */
  candidates(event: unknown): readonly number[] {
    this.epoch++;
    if (typeof event === "object" && event !== null) this.segments.see(event, this.epoch);
    this.foundCount = 0;
    this.scan(event);
    // The alternatives found keep their mark only when the event holds a term of each check.
    const { found, foundCount, altChecks, altMarks, altRule, marks, epoch } = this;
    let out: number[] = NO_CANDIDATES as number[];
    for (let i = 0; i < foundCount; i++) {
      const a = found[i] as number;
      const checks = altChecks[a] as readonly Check[];
      let pass = true;
      for (let k = 0; k < checks.length; k++) {
        if (!this.holds(checks[k] as Check, event)) {
          pass = false;
          break;
        }
      }
      if (!pass) {
        altMarks[a] = -1;
        continue;
      }
      const r = altRule[a] as number;
      if (marks[r] !== epoch) {
        marks[r] = epoch;
        if (out.length === 0) out = [r];
        else out.push(r);
      }
    }
    sortAscending(out);
    return out;
  }

  /**
   * The alternatives of candidate `rule` the last event given to `candidates` reached, as a bit mask
   * (bit k for its alternative k; those past bit 30 always set): an alternative it did not reach
   * cannot match the event (its category is not the event's, or none of its terms holds).
   */
  reached(rule: number): number {
    const base = this.altBase[rule] as number;
    const n = this.altCount[rule] as number;
    let mask = n > 31 ? -1 << 31 : 0;
    const { altMarks, epoch } = this;
    for (let k = 0; k < n && k < 31; k++) if (altMarks[base + k] === epoch) mask |= 1 << k;
    return mask;
  }

  /** Note alternative `a` as found, when it is of a category of the event and not noted yet. */
  private markAlternative(a: number): void {
    const epoch = this.epoch;
    if (this.altMarks[a] === epoch) return;
    const c = this.altCategory[a] as number;
    if (c >= 0 && this.categoryMarks[c] !== epoch) return;
    this.altMarks[a] = epoch;
    this.found[this.foundCount++] = a;
  }

  private markTargets(hits: readonly number[], alternatives: boolean): void {
    const { checkMarks, epoch } = this;
    for (let i = 0; i < hits.length; i++) {
      const t = hits[i] as number;
      if ((t & 1) === 1) checkMarks[t >> 1] = epoch;
      else if (alternatives) this.markAlternative(t >> 1);
    }
  }

  /**
   * Mark the alternatives the event reaches: those without terms in its categories, and those with
   * a term the event holds on a field that may have values (see `Segments`) and that alternatives
   * of the event's categories (or of any) look rules up by.
   */
  private scan(event: unknown): void {
    const { segments, epoch, categoryMarks } = this;
    for (const index of this.indices.values()) {
      const cats = index.reader.list(event);
      for (let i = 0; i < cats.length; i++) {
        if (!firstStringAt(cats, i)) continue;
        const c = index.categories.get(cats[i] as string);
        if (c === undefined) continue;
        categoryMarks[c] = epoch;
        const always = index.always.get(c);
        if (always) this.mark(always);
      }
      this.mark(index.anyAlways);
    }
    const { lookupBySegment } = this;
    const { seen, seenCount } = segments;
    for (let s = 0; s < seenCount; s++) {
      const fields = lookupBySegment[seen[s] as number];
      if (fields === undefined) continue;
      for (let f = 0; f < fields.length; f++) {
        const terms = fields[f] as FieldTerms;
        if (!terms.anyCategory && !inSome(terms.categories, categoryMarks, epoch)) continue;
        terms.scanned = epoch;
        scanField(terms, event, this.markAll);
      }
    }
  }

  /**
   * True when the event holds a term of `check`: its fields not scanned yet for this event are
   * scanned now, for the checks only (the alternatives found are settled by then).
   */
  private holds(check: Check, event: unknown): boolean {
    const { segments, epoch, checkMarks } = this;
    if (checkMarks[check.id] === epoch) return true;
    const { fields } = check;
    for (let f = 0; f < fields.length; f++) {
      const terms = fields[f] as FieldTerms;
      if (terms.scanned === epoch || !segments.has(terms.segment, epoch)) continue;
      terms.scanned = epoch;
      scanField(terms, event, this.markChecks);
      if (checkMarks[check.id] === epoch) return true;
    }
    return false;
  }
}

/** An event no rule could match; shared, never written to. */
const NO_CANDIDATES: readonly number[] = Object.freeze([]);

/** Sort numbers in place; a short list by insertion (`Array.prototype.sort` allocates a copy). */
function sortAscending(list: number[]): void {
  if (list.length > 32) {
    list.sort((a, b) => a - b);
    return;
  }
  for (let i = 1; i < list.length; i++) {
    const x = list[i] as number;
    let j = i - 1;
    while (j >= 0 && (list[j] as number) > x) {
      list[j + 1] = list[j] as number;
      j--;
    }
    list[j + 1] = x;
  }
}

/** Whether one of `categories` is marked with `epoch`. */
function inSome(categories: readonly number[], marks: readonly number[], epoch: number): boolean {
  for (let i = 0; i < categories.length; i++) if (marks[categories[i] as number] === epoch) return true;
  return false;
}

/** Characters of values the fields of an index remember in all (see `Memos`): about 8 MB. */
const MEMO_CHARS = 4 * 1024 * 1024;
/** What one remembered value costs besides its characters, counted in characters. */
const MEMO_ENTRY_CHARS = 32;
/** Longer values are scanned every time: they rarely recur, and would crowd out those that do. */
const MEMO_VALUE_LENGTH = 256;

/**
 * Calls `mark` with the targets of the terms of `terms` that the event's values of its field hold.
 * Which terms a value holds depends on the value alone, and the values of a field recur from event
 * to event (process names, actions, users, directories): each field remembers the answer for the
 * values it saw lately, so a value seen before costs one lookup instead of folding it and walking
 * the terms (see `Memos` for the bound).
 */
function scanField(terms: FieldTerms, event: unknown, mark: (ids: readonly number[]) => void): void {
  if (!terms.built) terms.build();
  const values = terms.reader.list(event);
  const n = values.length;
  if (n === 0) return;
  const memo = terms.memo;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "string") {
      // Numbers and booleans compare through their text or numerically: any term may hold.
      mark(terms.all);
      return;
    }
    let hits = memo.get(v);
    if (hits === undefined) {
      hits = termsOf(terms, v);
      terms.memos.remember(memo, v, hits);
    }
    if (hits.length > 0) mark(hits);
  }
}

/** The targets of the terms of `terms` that the string `v` holds (some more than once). */
function termsOf(terms: FieldTerms, v: string): readonly number[] {
  let out: number[] = NO_HITS as number[];
  const add = (ids: readonly number[]) => {
    if (out.length === 0) out = [...ids];
    else for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
  };
  const text = terms.folded ? foldCase(v) : v;
  // A value longer than every exact term equals none (folding keeps the length): no hashing.
  const hit = text.length <= terms.longestExact ? terms.exact.get(text) : undefined;
  if (hit) add(hit);
  if (terms.prefixes.size > 0) terms.prefixes.walk(text, false, add);
  if (terms.suffixes.size > 0) terms.suffixes.walk(text, true, add);
  if (terms.substrings.size > 0) terms.substrings.walk(text, add);
  return out;
}

const NO_HITS: readonly number[] = Object.freeze([]);
