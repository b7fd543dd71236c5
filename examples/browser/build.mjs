// Bundle the rule playground with esbuild for the browser platform (mini-eql's core from src/, so any
// Node-only import in the core fails the build) and copy the page beside it. The result is static
// files: open index.html from disk or serve the directory from any static host.
// Usage: node examples/browser/build.mjs [outdir]   (default: a fresh temporary directory)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** `import text from "./file.json?raw"`: the file's text as a string (its formatting kept). */
const rawText = {
  name: "raw-text",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: join(args.resolveDir, args.path.slice(0, -"?raw".length)),
      namespace: "raw-text",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw-text" }, (args) => ({
      contents: readFileSync(args.path, "utf8"),
      loader: "text",
    }));
  },
};

/** Packages of the EQL parser: chevrotain and what it brings along. */
const PARSER = /node_modules\/(chevrotain|@chevrotain\/[^/]+|lodash-es)\//;

/** Bytes of the bundle by source: the parser's packages, the other packages, mini-eql, and the page. */
export function sizeReport(metafile) {
  const [output] = Object.values(metafile.outputs).filter((o) => o.entryPoint);
  const parts = { parser: 0, packages: 0, core: 0, page: 0 };
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const part = PARSER.test(path)
      ? "parser"
      : path.includes("node_modules/")
        ? "packages"
        : path.startsWith("src/")
          ? "core"
          : "page";
    parts[part] += bytesInOutput;
  }
  return { total: output.bytes, ...parts };
}

/** Build the playground into `outdir`; returns the page's path, esbuild's metafile and the sizes. */
export async function buildExample(outdir = mkdtempSync(join(tmpdir(), "mini-eql-playground-"))) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(here, "app.js")],
    bundle: true,
    minify: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    outfile: join(outdir, "app.bundle.js"),
    alias: { "mini-eql": join(here, "../../src/index.ts") },
    loader: { ".toml": "text", ".ndjson": "text" },
    plugins: [rawText],
    metafile: true,
    logLevel: "silent",
  });
  copyFileSync(join(here, "index.html"), join(outdir, "index.html"));
  const size = sizeReport(result.metafile);
  size.gzip = gzipSync(readFileSync(join(outdir, "app.bundle.js"))).length;
  return { page: resolve(outdir, "index.html"), metafile: result.metafile, size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { page, size } = await buildExample(process.argv[2]);
  const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
  const share = (n) => `${kb(n)} (${Math.round((100 * n) / size.total)}%)`;
  console.log(
    `app.bundle.js: ${kb(size.total)} minified, ${kb(size.gzip)} gzipped; parser (chevrotain) ${share(size.parser)}, ` +
      `mini-eql ${share(size.core)}, other packages ${share(size.packages)}, page ${share(size.page)}`,
  );
  console.log(`open ${pathToFileURL(page).href}`);
}
