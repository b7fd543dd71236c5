/**
 * The ECS field schema from `@elastic/ecs` (`EcsFlat`). Kept in its own module, imported only by the
 * node and testing entries, because the package is 14 MB and the core must stay small.
 */
import { EcsFlat, EcsVersion } from "@elastic/ecs";
import type { FieldSchema } from "../../rules/schema.js";

/** The ECS schema (flat field name → type) of the installed `@elastic/ecs`. */
export function ecsSchema(): FieldSchema {
  return EcsFlat as unknown as FieldSchema;
}

/** The ECS version the schema describes. */
export const ecsVersion: string = EcsVersion;
