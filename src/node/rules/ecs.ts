/**
 * The ECS field schema from `@elastic/ecs` (`EcsFlat`). Kept in its own module, imported only by the
 * node and testing entries, so the core stays small. The build (scripts/build-plugins.ts) replaces the
 * 14 MB package by the table of field types and multi-fields it holds, which is all a schema is read for.
 */
import { EcsFlat, EcsVersion } from "@elastic/ecs";
import type { FieldSchema } from "../../rules/schema.js";

/** The ECS schema (flat field name → type and multi-fields) of the `@elastic/ecs` the package was built with. */
export function ecsSchema(): FieldSchema {
  return EcsFlat as unknown as FieldSchema;
}

/** The ECS version the schema describes. */
export const ecsVersion: string = EcsVersion;
