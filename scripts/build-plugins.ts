/**
 * esbuild plugins of the build (tsup.config.ts): the ECS field table made from `@elastic/ecs`, and the
 * licence notices of every package whose code ends up inside dist.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Plugin } from "esbuild";

const require = createRequire(import.meta.url);
const ECS_NAMESPACE = "ecs-field-types";

interface EcsEntry {
  type: string;
  ignore_above?: number;
  multi_fields?: { flat_name: string; type: string }[];
  allowed_values?: { name: string }[];
}

/**
 * `@elastic/ecs` replaced by the only part mini-eql reads: each field's type, `ignore_above`, multi-fields and
 * allowed values (`event.category`'s categories). Its
 * module is 1.5 MB of object literals that took about 60 ms to load; the table is 150 kB of JSON,
 * parsed in 3 ms (JSON.parse of a string is quicker for V8 than the same object as a literal).
 */
export const ecsFieldTypes: Plugin = {
  name: "ecs-field-types",
  setup(build) {
    build.onResolve({ filter: /^@elastic\/ecs$/ }, () => ({
      path: "@elastic/ecs",
      namespace: ECS_NAMESPACE,
    }));
    build.onLoad({ filter: /.*/, namespace: ECS_NAMESPACE }, () => {
      const ecs = require("@elastic/ecs") as { EcsFlat: Record<string, EcsEntry>; EcsVersion: string };
      const table: Record<string, EcsEntry> = {};
      for (const [name, field] of Object.entries(ecs.EcsFlat)) {
        table[name] = {
          type: field.type,
          ...(field.ignore_above === undefined ? {} : { ignore_above: field.ignore_above }),
          ...(field.multi_fields
            ? { multi_fields: field.multi_fields.map((m) => ({ flat_name: m.flat_name, type: m.type })) }
            : {}),
          ...(field.allowed_values
            ? { allowed_values: field.allowed_values.map((v) => ({ name: v.name })) }
            : {}),
        };
      }
      const contents = [
        `/*! Field types of ECS ${ecs.EcsVersion}, from @elastic/ecs (Apache-2.0, Copyright Elasticsearch B.V.) */`,
        `export const EcsVersion = ${JSON.stringify(ecs.EcsVersion)};`,
        `export const EcsFlat = /* @__PURE__ */ JSON.parse(${JSON.stringify(JSON.stringify(table))});`,
      ].join("\n");
      return { contents, loader: "js" };
    });
  },
};

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
          if (input.startsWith(`${ECS_NAMESPACE}:`))
            dirs.add(dirname(require.resolve("@elastic/ecs/package.json")));
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

/**
 * commander requires node:child_process when it loads, for executable subcommands, which mini-eql
 * has none of; child_process brings net and dgram with it. In the command line's bundle commander
 * gets a stand-in that loads the real module on first use.
 */
export const lazyChildProcess: Plugin = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: "child_process", namespace: "lazy-child-process" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents:
        'let real; const load = () => (real ??= require("node:child_process"));\n' +
        "module.exports = new Proxy({}, { get: (_, key) => load()[key] });",
      loader: "js",
    }));
  },
};
