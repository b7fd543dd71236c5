#!/usr/bin/env node
/** The `mini-eql` executable: runs the command line and exits with its status. */
import module from "node:module";

// From Node 22.1, V8's compiled code for the modules imported after this call is kept on disk (in
// the temp folder) and reused by later runs, which skips most of the parsing that start-up spends
// its time on; Node 20 has no such function. Hence the dynamic imports below.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const [{ exitOnBrokenPipe }, { main }] = await Promise.all([
  import("./io/output.js"),
  import("./program.js"),
]);

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
