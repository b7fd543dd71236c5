/** A sequence or sample rule reduced to what the event generator needs (see corpus-events.mjs). */
export interface RuleTemplate {
  joinFields: string[];
  stages: {
    category: string;
    values: [string, (string | number)[]][];
    missing: boolean;
    until: boolean;
  }[];
}

/** Join fields and, per stage, the category and literal values of each sequence or sample query. */
export declare function stageTemplates(queries: string[]): RuleTemplate[];

/** About `count` ECS events in time order, each with `@timestamp` and `event.ingested`. */
export declare function corpusEvents(options?: {
  count?: number;
  seed?: number;
  templates?: RuleTemplate[];
  start?: number;
  /** Spread the events over this many hosts (default: four). */
  hosts?: number;
}): Record<string, unknown>[];
