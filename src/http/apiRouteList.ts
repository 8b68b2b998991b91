/**
 * Every server API route, in the order the OpenAPI document lists them.
 *
 * @example
 * apiRouteList.map((route) => `${route.method.toUpperCase()} /api${route.path}`);
 */
import type { ApiRoute } from "./routes/ApiRoute.ts";
import { publishRoutes } from "./routes/publishRoutes.ts";
import { connectionRoutes } from "./routes/connectionRoutes.ts";
import { readRoutes } from "./routes/readRoutes.ts";

export const apiRouteList: ApiRoute[] = [...publishRoutes, ...connectionRoutes, ...readRoutes];
