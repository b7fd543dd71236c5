// Bundle the browser example with esbuild for the browser platform (mini-eql's core from src/, so
// any Node-only import in the core fails the build) and copy the page beside it.
// Usage: node examples/browser/build.mjs [outdir]   (default: a fresh temporary directory)
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** Build the example into `outdir`; returns the page's path and esbuild's metafile. */
export async function buildExample(outdir = mkdtempSync(join(tmpdir(), "mini-eql-browser-"))) {
  const result = await build({
    entryPoints: [join(here, "app.js")],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    outfile: join(outdir, "app.bundle.js"),
    alias: { "mini-eql": join(here, "../../src/index.ts") },
    loader: { ".toml": "text", ".ndjson": "text" },
    metafile: true,
    logLevel: "silent",
  });
  copyFileSync(join(here, "index.html"), join(outdir, "index.html"));
  return { page: join(outdir, "index.html"), metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { page } = await buildExample(process.argv[2]);
  console.log(`open file://${page}`);
}
