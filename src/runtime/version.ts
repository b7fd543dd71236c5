/**
 * Ordering of Elasticsearch `version` fields. Elasticsearch encodes each version into bytes whose
 * plain byte order is the version order, and compares those; we build the same encoding:
 * - the main part (one or more dot-separated numbers without leading zeros: `1`, `1.2`, `1.2.3.4`)
 *   compares numerically part by part, and `1.2` < `1.2.0`;
 * - a pre-release (`-alpha.1`) sorts before the release; its identifiers compare as in semver
 *   (numeric ones numerically and below alphanumeric ones, which compare in ASCII order);
 * - a build suffix (`+build.5`) is NOT ignored: it is compared in ASCII order after the rest, so
 *   `1.0.0+a` ≠ `1.0.0`.
 * A string that is not such a version is "invalid"; Elasticsearch sorts invalid versions after every
 * valid one, in code-point order among themselves.
 */

const MAIN = /^(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*$/;
const PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)";
const PRE = new RegExp(`^-${PRE_ID}(?:\\.${PRE_ID})*$`);
const BUILD = /^\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*$/;

const NUMERIC_MARKER = 0x01;
const PRERELEASE_MARK = 0x02;
const NO_PRERELEASE_MARK = 0x03;

/** Split off the suffix starting at the first `sep`, unless `sep` is the first character. */
function splitSuffix(s: string, sep: string): [string, string | null] {
  const at = s.indexOf(sep);
  return at > 0 ? [s.slice(0, at), s.slice(at)] : [s, null];
}

function pushDigitGroups(text: string, out: number[]): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      const start = i;
      while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      // Elasticsearch refuses to index a digit group this long.
      if (i - start >= 128) return false;
      out.push(NUMERIC_MARKER, 0x80 | (i - start));
      for (let k = start; k < i; k++) out.push(text.charCodeAt(k));
    } else {
      out.push(c);
      i++;
    }
  }
  return true;
}

/** The sort key of a valid version, or null when `v` is not a valid version. */
export function encodeVersion(v: string): number[] | null {
  const [rest, build] = splitSuffix(v, "+");
  const [main, pre] = splitSuffix(rest, "-");
  if (!MAIN.test(main) || (pre !== null && !PRE.test(pre)) || (build !== null && !BUILD.test(build)))
    return null;
  const out: number[] = [];
  if (!pushDigitGroups(main, out)) return null;
  if (pre !== null) {
    out.push(PRERELEASE_MARK, 0x2d);
    const ids = pre.slice(1).split(".");
    for (let i = 0; i < ids.length; i++) {
      if (i > 0) out.push(0x2e);
      const id = ids[i] as string;
      if (/^[0-9]+$/.test(id)) {
        if (!pushDigitGroups(id, out)) return null;
      } else for (let k = 0; k < id.length; k++) out.push(id.charCodeAt(k));
    }
  } else out.push(NO_PRERELEASE_MARK);
  if (build !== null) for (let k = 0; k < build.length; k++) out.push(build.charCodeAt(k));
  return out;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Compare two versions by Elasticsearch `version` precedence (`"1.11.3" > "1.5.0"`,
 * `"1.2.4-SNAPSHOT" < "1.2.4"`): -1, 0 or 1, or null when either is not a valid version.
 */
export function compareVersions(a: string, b: string): number | null {
  const x = encodeVersion(a);
  const y = encodeVersion(b);
  if (!x || !y) return null;
  return compareKeys(x, y);
}

/**
 * Compare two strings in the full Elasticsearch `version` order: valid versions by precedence, then
 * every invalid one after them, in code-point order. Always -1, 0 or 1.
 */
export function compareVersionsTotal(a: string, b: string): number {
  const x = encodeVersion(a);
  const y = encodeVersion(b);
  if (x && y) return compareKeys(x, y);
  if (x) return -1;
  if (y) return 1;
  if (a === b) return 0;
  const ca = [...a].map((c) => c.codePointAt(0) as number);
  const cb = [...b].map((c) => c.codePointAt(0) as number);
  return compareKeys(ca, cb);
}
