#!/usr/bin/env node
/** The `mini-eql` executable: runs the command line and exits with its status. */
import { main } from "./program.js";

main(process.argv).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`mini-eql: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
