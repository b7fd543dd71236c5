/**
 * Options objects of the public API are read through `ownOptions`: only their own enumerable
 * properties count, so a property planted on `Object.prototype` (prototype pollution:
 * `Object.prototype.filter = () => false`) never becomes an option.
 */
export function ownOptions<T extends object>(options: T | undefined | null): T {
  const out = Object.create(null) as Record<string, unknown>;
  if (typeof options !== "object" || options === null) return out as T;
  for (const k of Object.keys(options)) out[k] = (options as Record<string, unknown>)[k];
  return out as T;
}
