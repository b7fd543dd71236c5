/**
 * The ECS field schema from `@elastic/ecs` (`EcsFlat`). Kept in its own module, imported only by the
 * node and testing entries, so the core stays small. The build (scripts/build-plugins.ts) replaces the
 * 14 MB package by the table of field types, multi-fields and allowed values it holds, which is all a schema is read for.
 */
import { EcsFlat, EcsVersion } from "@elastic/ecs";
import type { FieldSchema } from "../../rules/schema.js";

/** The ECS schema (flat field name → type and multi-fields) of the `@elastic/ecs` the package was built with. */
export function ecsSchema(): FieldSchema {
  return EcsFlat as unknown as FieldSchema;
}

/** The ECS version the schema describes. */
export const ecsVersion: string = EcsVersion;

/** One ECS field as the schema lists it. */
interface EcsField {
  readonly type: string;
  readonly ignore_above?: number;
  readonly multi_fields?: readonly { readonly flat_name: string; readonly type: string }[];
}

/**
 * An Elasticsearch mapping (`{ properties }`) of the ECS fields, as Elastic's integrations map them:
 * types, multi-fields and `ignore_above` (1,024 on most keyword fields: a longer value is not
 * indexed, so no query sees it). Pass it as `mapping`, with `allowUnknownFields` when events carry
 * fields outside ECS.
 */
export function ecsMapping(): Record<string, unknown> {
  const root: { properties: Record<string, Record<string, unknown>> } = { properties: {} };
  for (const [name, field] of Object.entries(EcsFlat as unknown as Record<string, EcsField>)) {
    let props = root.properties;
    const parts = name.split(".");
    parts.forEach((part, i) => {
      const node = props[part] ?? {};
      props[part] = node;
      if (i < parts.length - 1) {
        node.properties ??= {};
        props = node.properties as Record<string, Record<string, unknown>>;
        return;
      }
      node.type = field.type;
      if (field.ignore_above !== undefined) node.ignore_above = field.ignore_above;
      if (field.multi_fields !== undefined && field.multi_fields.length > 0) {
        const fields: Record<string, unknown> = {};
        for (const m of field.multi_fields) fields[m.flat_name.slice(name.length + 1)] = { type: m.type };
        node.fields = fields;
      }
    });
  }
  return root;
}
