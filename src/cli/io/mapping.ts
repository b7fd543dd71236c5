/**
 * What the commands know about the data's fields: the `--mapping` file, `--allow-unknown-fields`
 * and the `--field-map` file or built-in map, as compile options (shared by query, run and check).
 */
import { readFileSync } from "node:fs";
import type { CompileOptions } from "../../index.js";
import { UsageError } from "../errors.js";

/** The flags of a command that describe the data's fields. */
export interface DataFieldFlags {
  mapping?: string;
  allowUnknownFields?: boolean;
  fieldMap?: string;
}

/** Read an Elasticsearch mapping file given to --mapping. */
function readMapping(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`--mapping ${path}: ${(e as Error).message}`);
  }
}

/**
 * The compile options the flags give; a bad mapping or field map is a usage error (exit 2). The
 * field map reader, and the YAML parser it brings (a fifth of the code a command loads), is loaded
 * only for --field-map.
 */
export async function dataFieldOptions(flags: DataFieldFlags): Promise<CompileOptions> {
  let fieldMap: CompileOptions["fieldMap"];
  if (flags.fieldMap !== undefined) {
    const { FieldMapError, readFieldMap } = await import("../../node/field-map.js");
    try {
      fieldMap = readFieldMap(flags.fieldMap);
    } catch (e) {
      if (e instanceof FieldMapError) throw new UsageError(`--field-map ${e.message}`);
      throw e;
    }
  }
  return {
    ...(flags.mapping ? { mapping: readMapping(flags.mapping) } : {}),
    ...(flags.mapping && flags.allowUnknownFields ? { allowUnknownFields: true } : {}),
    ...(fieldMap ? { fieldMap } : {}),
  };
}
