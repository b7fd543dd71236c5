/** Command-line options shared by the bench and corpus scripts. */

/**
 * Take `name N` out of `argv` (a copy of the arguments) and return N, or `fallback` when absent.
 * N must be a positive integer; anything else exits with status 2.
 */
export function intOption(argv, name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${name} needs a positive integer`);
    process.exit(2);
  }
  argv.splice(i, 2);
  return n;
}
