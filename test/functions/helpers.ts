import { lookupFunction } from "../../src/functions/index.js";
import type { Scalar, StaticType } from "../../src/functions/types.js";

function typeOf(v: Scalar): StaticType {
  if (v === null) return "null";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  return Number.isInteger(v) ? "integer" : "double";
}

/** Call a function the way the compiler would with all-literal arguments. */
export function call(
  name: string,
  args: readonly Scalar[],
  opts: { insensitive?: boolean; types?: StaticType[] } = {},
) {
  const def = lookupFunction(name);
  if (!def) throw new Error(`no function ${name}`);
  const argTypes = opts.types ?? args.map(typeOf);
  const evaluate = def.create({ insensitive: opts.insensitive ?? false, argTypes, constants: args });
  return evaluate(args);
}

/** Call a function whose arguments are field values, except those its parameters require to be literals. */
export function callDynamic(
  name: string,
  args: readonly Scalar[],
  opts: { insensitive?: boolean; types?: StaticType[] } = {},
) {
  const def = lookupFunction(name);
  if (!def) throw new Error(`no function ${name}`);
  const argTypes = opts.types ?? args.map(() => "unknown" as const);
  const evaluate = def.create({
    insensitive: opts.insensitive ?? false,
    argTypes,
    constants: args.map((a, i) => {
      const spec = def.params[Math.min(i, def.params.length - 1)];
      return spec?.literal && (i < def.params.length || spec.variadic) ? a : undefined;
    }),
  });
  return evaluate(args);
}
