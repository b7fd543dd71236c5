// Lists the files `npm pack` would publish and fails when something a user needs is missing or
// something else (sources, tests, examples, configs) slipped in. Run by `npm run check:package`.
import { execFileSync } from "node:child_process";

const REQUIRED = [
  "package.json",
  "README.md",
  "LICENSE",
  "dist/index.js",
  "dist/index.cjs",
  "dist/index.d.ts",
  "dist/index.d.cts",
  "dist/node/index.js",
  "dist/node/index.cjs",
  "dist/node/index.d.ts",
  "dist/node/index.d.cts",
  "dist/testing/index.js",
  "dist/testing/index.cjs",
  "dist/testing/index.d.ts",
  "dist/testing/index.d.cts",
  "dist/cli/index.js",
  // The worker threads of ParallelRuleSet and of `mini-eql run --workers N`, loaded by path.
  "dist/node/rule-worker.js",
  "dist/cli/rule-worker.js",
  "rules/linux/lateral_movement_direct_kubelet_access_via_process_args.toml",
];
// Everything published must be one of these: the build, the shipped rules, and the package's papers.
const ALLOWED = [/^dist\//, /^rules\//, /^README\.md$/, /^LICENSE$/, /^package\.json$/];
// The CLI is ESM only: its CommonJS build and empty type files are left out of the tarball.
const FORBIDDEN = [/^dist\/cli\/.*\.(cjs|d\.c?ts)(\.map)?$/, /(^|\/)\.DS_Store$/, /\.tgz$/];

const json = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8" });
const [pack] = JSON.parse(json);
const files = pack.files.map((f) => f.path).sort();
const problems = [];
for (const f of REQUIRED) if (!files.includes(f)) problems.push(`missing: ${f}`);
for (const f of files) {
  if (!ALLOWED.some((re) => re.test(f))) problems.push(`not for publishing: ${f}`);
  if (FORBIDDEN.some((re) => re.test(f))) problems.push(`left out on purpose, yet packed: ${f}`);
}
if (!process.argv.includes("--quiet")) {
  console.log(`npm pack: ${files.length} files, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked`);
  for (const f of files) console.log(`  ${f}`);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("package contents: ok");
