/**
 * Field schemas for validation: a map from flat field name to its Elasticsearch type, the shape of
 * `EcsFlat` from `@elastic/ecs`. The ECS schema itself is loaded by `mini-eql/node` and
 * `mini-eql/testing` only, so the 14 MB package stays out of the core entry's import graph.
 */

/** One field of a schema (ECS's flat entries carry more; only these are read). */
export interface SchemaField {
  readonly type: string;
  /** Longer strings are not indexed (keyword fields; 1,024 on most of ECS's). */
  readonly ignore_above?: number;
  /** Sub-fields such as `process.name.text`. */
  readonly multi_fields?: readonly { readonly flat_name: string; readonly type: string }[];
  /** The values the field may hold, when the schema lists them (ECS's `event.category` ...). */
  readonly allowed_values?: readonly { readonly name: string }[];
}

/** Flat field name → field. `EcsFlat` is one. */
export type FieldSchema = Readonly<Record<string, SchemaField>>;

/** A schema prepared for look-ups. */
export interface CompiledSchema {
  /** The field's type, or undefined when the schema does not define it. */
  typeOf(field: string): string | undefined;
  /** The field's `ignore_above`, or undefined. */
  ignoreAbove(field: string): number | undefined;
  /** The values the field may hold, or undefined when the schema does not list them. */
  allowedValues(field: string): readonly string[] | undefined;
  /** True when a parent of the field is an `object`, `flattened` or `nested` field (any child is valid). */
  underOpenObject(field: string): boolean;
  /** True when the field's first segment is a namespace the schema defines (`process`, `file` ...). */
  knowsNamespace(field: string): boolean;
}

const OPEN_TYPES = new Set(["object", "flattened", "nested"]);

/** Merge schemas (later ones win) and prepare them for look-ups. */
export function compileSchema(schemas: FieldSchema | readonly FieldSchema[]): CompiledSchema {
  const list = Array.isArray(schemas) ? (schemas as readonly FieldSchema[]) : [schemas as FieldSchema];
  const types = new Map<string, string>();
  const ignoreAbove = new Map<string, number>();
  const allowed = new Map<string, readonly string[]>();
  const namespaces = new Set<string>();
  const addNamespace = (name: string) => {
    const dot = name.indexOf(".");
    namespaces.add(dot < 0 ? name : name.slice(0, dot));
  };
  for (const schema of list) {
    for (const name in schema) {
      if (!Object.hasOwn(schema, name)) continue;
      const field = schema[name] as SchemaField;
      types.set(name, field.type);
      addNamespace(name);
      if (Array.isArray(field.allowed_values))
        allowed.set(
          name,
          field.allowed_values.map((v) => v.name),
        );
      else allowed.delete(name);
      if (typeof field.ignore_above === "number") ignoreAbove.set(name, field.ignore_above);
      else ignoreAbove.delete(name);
      for (const sub of field.multi_fields ?? []) {
        types.set(sub.flat_name, sub.type);
        addNamespace(sub.flat_name);
      }
    }
  }
  return {
    typeOf: (field) => types.get(field),
    ignoreAbove: (field) => ignoreAbove.get(field),
    allowedValues: (field) => allowed.get(field),
    underOpenObject(field) {
      const segs = field.split(".");
      for (let i = segs.length - 1; i > 0; i--) {
        const t = types.get(segs.slice(0, i).join("."));
        if (t !== undefined && OPEN_TYPES.has(t)) return true;
      }
      return false;
    },
    knowsNamespace: (field) => namespaces.has(field.split(".")[0] as string),
  };
}

export { NUMERIC_TYPES, STRING_TYPES } from "../mapping.js";
