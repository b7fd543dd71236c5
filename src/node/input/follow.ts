/**
 * Follow a growing file as `tail -F` does: read what it holds, then keep reading what is appended.
 * The file is watched by name: when the name comes to lead to another file (rotation: the old one
 * renamed or removed and a new one created), the rest of the old file has been read and the new one
 * is read from its start; when the file becomes shorter than what was read (truncation), it is read
 * again from its start. While the name leads nowhere (between a rename and the new file), the follower
 * waits for it to come back.
 *
 * Changes are noticed through `fs.watch` on the file's directory, and by polling, since `fs.watch`
 * misses changes on some file systems (network and container mounts): whichever comes first.
 * Bytes are given as read; the caller splits lines (an unfinished last line waits in its reader).
 */
import { type FSWatcher, watch } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";

/** What the follower gives: bytes, a new start of the file, or news that it stays idle. */
export type FollowItem =
  /** Bytes read; `caughtUp` when they reach what the file held (the next read may wait). */
  | { readonly kind: "bytes"; readonly bytes: Buffer; readonly caughtUp: boolean }
  /** The file is read from its start again: another file took its name, or it was truncated. */
  | { readonly kind: "restart"; readonly reason: "rotated" | "truncated" }
  /** Nothing new for `idleMs`; given again every `idleMs` while that lasts. */
  | { readonly kind: "idle" };

/** Options of `followFile`. */
export interface FollowOptions {
  /** Longest wait (ms) between looks at the file when no watch event comes (default 250). */
  readonly pollMs?: number;
  /** How long (ms) without new bytes before an `idle` item (default 1000). */
  readonly idleMs?: number;
  /** Bytes read at a time (default 1 MiB). */
  readonly chunkBytes?: number;
  /** Stops following: the generator returns at its next wait. */
  readonly signal?: AbortSignal;
}

/** Whether `a` and `b` are the same file. */
function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** The file's identity under its name, or null while the name leads nowhere. */
async function statByName(path: string): Promise<{ dev: number; ino: number; size: number } | null> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw e;
  }
}

/**
 * Follow `path` until `options.signal` aborts (see the module comment). The file must exist when
 * following starts; an error reading it ends the generator with that error.
 */
export async function* followFile(path: string, options: FollowOptions = {}): AsyncGenerator<FollowItem> {
  const pollMs = options.pollMs ?? 250;
  const idleMs = options.idleMs ?? 1000;
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const signal = options.signal;
  let handle: FileHandle = await open(path, "r");
  let identity = await handle.stat();
  let position = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let watcher: FSWatcher | null = null;
  const name = basename(path);
  try {
    // The directory is watched, so the file's replacement is seen as well as its growth.
    watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      if (file === null || file === name) poke();
    });
    watcher.on("error", () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    watcher = null;
  }
  signal?.addEventListener("abort", poke);
  const buffer = Buffer.alloc(chunkBytes);
  let quietSince = Date.now();
  try {
    while (!signal?.aborted) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
      if (bytesRead > 0) {
        position += bytesRead;
        quietSince = Date.now();
        yield {
          kind: "bytes",
          bytes: Buffer.from(buffer.subarray(0, bytesRead)),
          caughtUp: bytesRead < chunkBytes,
        };
        continue;
      }
      const now = await statByName(path);
      if (now !== null && !sameFile(now, identity)) {
        // Everything of the old file has been read: the new one is read from its start.
        const next = await open(path, "r");
        await handle.close();
        handle = next;
        identity = await handle.stat();
        position = 0;
        quietSince = Date.now();
        yield { kind: "restart", reason: "rotated" };
        continue;
      }
      if (now !== null && now.size < position) {
        position = 0;
        quietSince = Date.now();
        yield { kind: "restart", reason: "truncated" };
        continue;
      }
      if (Date.now() - quietSince >= idleMs) {
        quietSince = Date.now();
        yield { kind: "idle" };
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(poke, Math.min(pollMs, Math.max(1, idleMs - (Date.now() - quietSince))));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (signal?.aborted) poke();
      });
    }
  } finally {
    signal?.removeEventListener("abort", poke);
    (watcher as FSWatcher | null)?.close();
    await handle.close();
  }
}

/** Whether the file starts with the gzip magic bytes (such a file cannot be followed). */
export async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
