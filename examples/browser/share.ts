/**
 * A playground case in a URL fragment: its texts as JSON, compressed with the platform's
 * CompressionStream (raw deflate) and written in base64url. The fragment never leaves the browser.
 */

/** The texts of a case; absent ones are empty. */
export interface Case {
  rule: string;
  events: string;
  exceptions: string;
  fixtures: string;
}

/** The fragment's prefix: the format's version, so a later format can still read old links. */
const PREFIX = "c1.";
const KEYS = ["rule", "events", "exceptions", "fixtures"] as const;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("the link is not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The fragment (without `#`) for a case. */
export async function encodeCase(c: Case): Promise<string> {
  const doc: Record<string, string> = {};
  for (const k of KEYS) if (c[k] !== "") doc[k] = c[k];
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return PREFIX + toBase64url(await pipe(bytes, new CompressionStream("deflate-raw")));
}

/** The case of a fragment (without `#`); throws an Error saying what is wrong with it. */
export async function decodeCase(fragment: string): Promise<Case> {
  if (!fragment.startsWith(PREFIX)) throw new Error("the link was not made by this playground");
  let doc: unknown;
  try {
    const bytes = await pipe(
      fromBase64url(fragment.slice(PREFIX.length)),
      new DecompressionStream("deflate-raw"),
    );
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error("the link is damaged (cut short?)");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new Error("the link holds no case");
  const out: Case = { rule: "", events: "", exceptions: "", fixtures: "" };
  for (const k of KEYS) {
    const v = (doc as Record<string, unknown>)[k];
    if (typeof v === "string") out[k] = v;
  }
  return out;
}
