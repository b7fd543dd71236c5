/** The standard EQL function table and case-insensitive lookup. */
import { add, divide, modulo, multiply, subtract } from "./arithmetic.js";
import { cidrMatch } from "./cidr.js";
import { number } from "./number.js";
import {
  between,
  concat,
  endsWith,
  indexOf,
  length,
  startsWith,
  string,
  stringContains,
  substring,
} from "./strings.js";
import type { FunctionDef } from "./types.js";

/** Every function Elasticsearch EQL provides, in alphabetical order. */
export const STANDARD_FUNCTIONS: readonly FunctionDef[] = [
  add,
  between,
  cidrMatch,
  concat,
  divide,
  endsWith,
  indexOf,
  length,
  modulo,
  multiply,
  number,
  startsWith,
  string,
  stringContains,
  substring,
  subtract,
];

const BY_NAME: ReadonlyMap<string, FunctionDef> = new Map(
  STANDARD_FUNCTIONS.map((f) => [f.name.toLowerCase(), f]),
);

/** Find a function by name, ignoring case; `extra` functions are searched first. */
export function lookupFunction(name: string, extra?: readonly FunctionDef[]): FunctionDef | undefined {
  const key = name.toLowerCase();
  if (extra) {
    for (const f of extra) if (f.name.toLowerCase() === key) return f;
  }
  return BY_NAME.get(key);
}
