/** The process streams a command works with; tests and embedders may pass their own. */
import type { Readable, Writable } from "node:stream";
import { type Colours, colourEnabled, colours } from "./term.js";

/** What a command needs from the process. */
export interface CliContext {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Styling for stderr (colour only on a TTY without NO_COLOR). */
  readonly err: Colours;
  /** Styling for stdout, used by the human-readable outputs of check and test. */
  readonly out: Colours;
}

/** The context of the running process; `colour` is false for --no-color. */
export function processContext(colour: boolean | undefined): CliContext {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    err: colours(colourEnabled(process.stderr, colour)),
    out: colours(colourEnabled(process.stdout, colour)),
  };
}
