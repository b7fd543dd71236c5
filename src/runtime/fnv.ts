/** FNV-1a hashing of text, shared by the NATS subject layout and a parallel rule set's host buckets. */

const utf8 = new TextEncoder();

/**
 * FNV-1a, 32 bits, of the UTF-8 bytes of `text` (as Go's hash/fnv New32a, which the NATS server's
 * `{{partition(n,1)}}` mapping uses). ASCII text is its own UTF-8, so it is hashed without encoding.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return fnv1aBytes(utf8.encode(text));
    h ^= c;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function fnv1aBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
