/** mulberry32: a seeded random source in [0, 1); the same seed gives the same sequence. */
export declare function rng(seed: number): () => number;

/** One element of `list`, chosen with `r`. */
export declare const pick: <T>(r: () => number, list: readonly T[]) => T;

/** `obj` with its nested objects as dotted keys. */
export declare function flatten(
  obj: Record<string, unknown>,
  prefix?: string,
  out?: Record<string, unknown>,
): Record<string, unknown>;
