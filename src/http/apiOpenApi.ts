/**
 * The OpenAPI 3.1 document of the server API, generated from the route list and its zod
 * schemas (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses): one source of truth.
 *
 * @example
 * const document = apiOpenApi("0.1.0");
 * Object.keys(document.paths); // ["/api/publish", "/api/broadcast", ...]
 */
import { z } from "zod";
import { apiSchemas } from "./apiSchemas.ts";
import { apiRouteList } from "./apiRouteList.ts";
import packageJson from "../../package.json" with { type: "json" };

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function queryParameters(schema: z.ZodType): unknown[] {
  const json = schemaOf(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: "query", required: json.required?.includes(name) ?? false, ...(description ? { description } : {}), schema: rest };
  });
}

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });

export function apiOpenApi(version: string = packageJson.version): Record<string, any> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of apiRouteList) {
    const operation: Record<string, unknown> = {
      operationId: route.path.slice(1).replace(/-(.)/g, (_, c: string) => c.toUpperCase()),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: [{ apikey: [] }],
      responses: {
        200: { description: "OK", content: { "application/json": { schema: schemaOf(route.response, "output") } } },
        400: errorResponse("A bad body or query: the message names the field"),
        401: errorResponse("No or a wrong API key"),
      },
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { "application/json": { schema: schemaOf(route.body, "input") } } };
      (operation.responses as Record<number, unknown>)[413] = errorResponse("A body over maxPayload bytes");
    }
    if (route.query) operation.parameters = queryParameters(route.query);
    (paths[`/api${route.path}`] ??= {})[route.method] = operation;
  }
  paths["/api/openapi.json"] = {
    get: {
      operationId: "openapi", summary: "This document (no API key needed)", security: [],
      responses: { 200: { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "scx server API", version, description: "Publish, disconnect and inspect an scx cluster from a backend. Every route but this document needs Authorization: apikey <key>." },
    paths,
    components: {
      securitySchemes: { apikey: { type: "apiKey", in: "header", name: "Authorization", description: "apikey <key> (the config's api.key)" } },
      schemas: { Error: schemaOf(apiSchemas.error, "output") },
    },
  };
}
