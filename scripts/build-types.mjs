// Type declarations of the published entry points: tsc writes one .d.ts per source file into dist/
// (beside the bundles, at the paths package.json names), then each gets a .d.cts twin whose relative
// imports name .cjs files, so `require` users get CommonJS declarations. One type-checked pass.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
execFileSync(
  process.execPath,
  [join(dist, "../node_modules/typescript/bin/tsc"), "-p", "tsconfig.types.json"],
  {
    stdio: "inherit",
    cwd: join(dist, ".."),
  },
);

/** Every .d.ts under `dir`. */
function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return declarations(path);
    return e.name.endsWith(".d.ts") ? [path] : [];
  });
}

let count = 0;
for (const file of declarations(dist)) {
  const text = readFileSync(file, "utf8");
  // `from "./x.js"`, `import("./x.js")`: relative specifiers only; packages keep their names.
  const cjs = text.replace(/(["'])(\.{1,2}\/[^"']*)\.js\1/g, "$1$2.cjs$1");
  writeFileSync(file.replace(/\.d\.ts$/, ".d.cts"), cjs);
  count++;
}
console.log(`types: ${count} declaration files, each with a .d.cts twin`);
