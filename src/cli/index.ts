#!/usr/bin/env node
/** The `mini-eql` executable: runs the command line and exits with its status. */
import { exitOnBrokenPipe } from "./io/output.js";
import { main } from "./program.js";

// `mini-eql ... | head -1`: every command, and help, ends quietly when stdout's reader goes away.
exitOnBrokenPipe(process.stdout);

main(process.argv).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`mini-eql: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
