/**
 * `| head N` and `| tail N` over a stream of results, and --size, each in memory bounded by its
 * count: head passes the first N and then says it is done (so reading can stop), tail keeps a ring.
 */
import type { Pipe } from "../../index.js";

/** A chain of limits in front of the writer. */
export interface Sink<T> {
  push(item: T): Promise<void>;
  end(): Promise<void>;
  /** True once nothing more can be printed: the input need not be read further. */
  readonly done: boolean;
  /** Results handed to the writer. */
  readonly printed: number;
}

type Stage<T> = { push(item: T): Promise<void>; end(): Promise<void>; done: boolean };

function head<T>(n: number, next: Stage<T>): Stage<T> {
  let seen = 0;
  const stage: Stage<T> = {
    done: n === 0,
    async push(item) {
      if (stage.done) return;
      seen++;
      if (seen >= n) stage.done = true;
      await next.push(item);
      if (next.done) stage.done = true;
    },
    end: () => next.end(),
  };
  return stage;
}

function tail<T>(n: number, next: Stage<T>): Stage<T> {
  // A circular buffer: pushing is O(1) however large N is.
  const ring: T[] = [];
  let at = 0;
  return {
    done: false,
    async push(item) {
      if (n === 0) return;
      if (ring.length < n) ring.push(item);
      else ring[at] = item;
      at = (at + 1) % n;
    },
    async end() {
      const ordered = ring.length < n ? ring : [...ring.slice(at), ...ring.slice(0, at)];
      for (const item of ordered) {
        if (next.done) break;
        await next.push(item);
      }
      await next.end();
    },
  };
}

/**
 * Limits from the query's pipes, then `size` (the first N results printed). Results come in input
 * order, so `tail` keeps the last N read; with input in time order that is Elasticsearch's order.
 */
export function applyPipes<T>(
  pipes: readonly Pipe[],
  size: number | undefined,
  write: (item: T) => Promise<void>,
): Sink<T> {
  let printed = 0;
  let stage: Stage<T> = {
    done: false,
    async push(item) {
      printed++;
      await write(item);
    },
    end: async () => {},
  };
  if (size !== undefined) stage = head(size, stage);
  for (let i = pipes.length - 1; i >= 0; i--) {
    const p = pipes[i] as Pipe;
    stage = p.name === "head" ? head(p.count, stage) : tail(p.count, stage);
  }
  const first = stage;
  return {
    push: (item) => first.push(item),
    end: () => first.end(),
    get done() {
      return first.done;
    },
    get printed() {
      return printed;
    },
  };
}
