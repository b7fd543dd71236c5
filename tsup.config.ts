import { defineConfig } from "tsup";
import { ecsFieldTypes, lazyChildProcess, thirdPartyNotices } from "./scripts/build-plugins.js";

// The grammar is checked by the tests, which run the sources; the build skips the checks (src/syntax/checks.ts).
const PUBLISHED = { __MINI_EQL_GRAMMAR_CHECKS__: "false" };

export default defineConfig([
  {
    // The library. picomatch and smol-toml stay npm dependencies (a few files each). chevrotain is
    // bundled: it is ESM only, so the CommonJS build's require("chevrotain") failed on Node before
    // 20.19, and its hundreds of lodash-es modules made `import "mini-eql"` take about half a second.
    // Of @elastic/ecs only the field types are kept (see scripts/build-plugins.ts).
    entry: {
      index: "src/index.ts",
      "node/index": "src/node/index.ts",
      // Loaded by path into each worker thread of a ParallelRuleSet.
      "node/rule-worker": "src/node/parallel/worker.ts",
      "testing/index": "src/testing/index.ts",
    },
    format: ["esm", "cjs"],
    // Declarations come from tsc (scripts/build-types.mjs): one pass, a file per module.
    dts: false,
    sourcemap: true,
    // The command line is built by the second config into dist/cli, at the same time.
    clean: ["!cli/**"],
    target: "node20",
    splitting: true,
    treeshake: true,
    noExternal: ["chevrotain", /^@chevrotain\//, "lodash-es", "@elastic/ecs"],
    esbuildPlugins: [ecsFieldTypes, thirdPartyNotices("THIRD-PARTY-NOTICES.txt")],
    define: PUBLISHED,
  },
  {
    // The command line (bin `mini-eql`), ESM only; its shebang is kept and the file made executable.
    // Every dependency but the NATS clients is bundled, so a command reads a handful of files instead
    // of resolving and reading some 700 modules of chevrotain, lodash-es, commander and smol-toml one by one.
    // rule-worker: the worker threads of `mini-eql run --workers N`, found beside index.js.
    entry: { index: "src/cli/index.ts", "rule-worker": "src/node/parallel/worker.ts" },
    outDir: "dist/cli",
    format: ["esm"],
    sourcemap: true,
    // Every command parses the code it loads before running it: without white space and with shorter
    // syntax there is about a quarter less to parse. Names are kept, so stack traces stay readable
    // (and the source maps lead back to the sources).
    minifyWhitespace: true,
    minifySyntax: true,
    clean: true,
    target: "node20",
    platform: "node",
    splitting: true,
    treeshake: true,
    // Except the NATS clients (publish only): they stay npm dependencies, imported by Node as the
    // library imports them, so their CommonJS named exports work the same in both; bundled, each
    // would be a chunk with only a default export, and ~100 modules the other commands never load.
    noExternal: [/^(?!@nats-io\/)/],
    // Keep `node:` in imports, so that lazyChildProcess sees commander's require("node:child_process").
    removeNodeProtocol: false,
    esbuildPlugins: [ecsFieldTypes, lazyChildProcess, thirdPartyNotices("THIRD-PARTY-NOTICES.txt")],
    define: PUBLISHED,
    // Bundled CommonJS (commander) calls require() for node: modules; an ES module has none.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  },
]);
