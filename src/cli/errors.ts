/** Errors the command turns into exit statuses. */

/** Exit statuses, documented in every command's help. */
export const ExitCode = {
  /** The command did what was asked and found nothing wrong. */
  OK: 0,
  /** Findings or failures: a bad query or rule, a failed fixture, a rejected line under --strict. */
  FAILURE: 1,
  /** The command line itself is wrong: unknown flag, bad value, missing input file. */
  USAGE: 2,
} as const;

/** A mistake in the command line; exits with status 2 after printing the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Stops the command with a status after its message has been printed. */
export class ExitError extends Error {
  constructor(
    readonly status: number,
    message = "",
  ) {
    super(message);
    this.name = "ExitError";
  }
}

/** Plain words for the file-system errors a user meets (`no such file`), else the error's own text. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = {
    ENOENT: "no such file or directory",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EISDIR: "is a directory",
    ENOTDIR: "a part of the path is not a directory",
    EMFILE: "too many open files",
  };
  if (code !== undefined && words[code] !== undefined) return words[code];
  return code ?? (e instanceof Error ? e.message : String(e));
}
