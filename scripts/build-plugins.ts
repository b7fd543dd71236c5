/** esbuild plugins of the build (tsup.config.ts): the licence notices of the packages bundled into dist. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Plugin } from "esbuild";

/** The package directory of a bundled input path, e.g. `node_modules/@chevrotain/gast`. */
function packageDir(input: string): string | undefined {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m?.[1];
}

function noticeOf(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    license?: string;
  };
  const texts = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|notice)(\.(txt|md))?$/i.test(f))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8").trim());
  return [`${pkg.name} ${pkg.version} (${pkg.license ?? "see below"})`, ...texts].join("\n\n");
}

/**
 * Writes `file` (relative to the output folder) with the licence of every package bundled into the
 * output: the MIT, BSD and Apache licences all ask that their notice travel with the code.
 */
export function thirdPartyNotices(file: string): Plugin {
  return {
    name: "third-party-notices",
    setup(build) {
      build.initialOptions.metafile = true;
      build.onEnd((result) => {
        if (!result.metafile || result.errors.length > 0) return;
        const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
        const dirs = new Set<string>();
        for (const input of Object.keys(result.metafile.inputs)) {
          const dir = packageDir(input);
          if (dir) dirs.add(resolve(cwd, dir));
        }
        const notices = [...dirs]
          .filter((d) => existsSync(join(d, "package.json")))
          .map(noticeOf)
          .sort();
        const outDir = build.initialOptions.outdir ?? "dist";
        const target = resolve(cwd, outDir, file);
        mkdirSync(dirname(target), { recursive: true });
        const header =
          "mini-eql's build includes code or data from the packages below, under their licences.";
        writeFileSync(target, `${[header, ...notices].join(`\n\n${"-".repeat(78)}\n\n`)}\n`);
      });
    },
  };
}
