/** The config layer: schema, parsing, errors, environment overrides, generated docs. */
export * from "./schema.ts";
export * from "./parseConfig.ts";
export * from "./ConfigError.ts";
export * from "./envOverrides.ts";
export * from "./jsonSchema.ts";
export * from "./reference.ts";
export * from "./resolvePaths.ts";
