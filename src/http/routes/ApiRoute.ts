/**
 * One server API route as data: its method and path, the zod schemas of its input and
 * answer, and what it runs. The routes are mounted from this list (apiRoutes.ts) and the
 * OpenAPI document is generated from it (apiOpenApi.ts): one source of truth.
 *
 * @example
 * const route: ApiRoute = { method: "get", path: "/info", summary: "Hosts", response, run: (api) => api.info() };
 */
import type { z } from "zod";
import type { ServerApi } from "../ServerApi.ts";

export interface ApiRoute {
  method: "get" | "post";
  /** Below /api. */
  path: string;
  summary: string;
  description?: string;
  /** The JSON body (POST). */
  body?: z.ZodType;
  /** The query string (GET). */
  query?: z.ZodType;
  response: z.ZodType;
  run(api: ServerApi, input: any): Promise<unknown>;
}
