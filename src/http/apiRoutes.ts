/**
 * The server API as a hono app, mounted at /api: every route behind the API key, bodies
 * and queries validated with the route's zod schema (bodies up to `maxPayload` bytes),
 * answers in JSON; /api/openapi.json is open. Mounted on the public port's worker app, or on the main thread's api.port.
 *
 * @example
 * app.route("/api", apiRoutes(new ServerApi(exchange, control), config.api.key!, config.maxPayload));
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ErrorName } from "../protocol/errorNames.ts";
import { apiKeyGuard } from "./apiKeyGuard.ts";
import { apiProblem, describeIssues } from "./apiProblem.ts";
import { apiOpenApi } from "./apiOpenApi.ts";
import { apiRouteList } from "./apiRouteList.ts";
import type { ServerApi } from "./ServerApi.ts";

export function apiRoutes(api: ServerApi, key: string, maxBody: number): Hono {
  const app = new Hono();
  let document: unknown = null;
  app.get("/openapi.json", (c) => c.json(document ??= apiOpenApi()));
  app.use("*", apiKeyGuard(key));
  app.use("*", bodyLimit({
    maxSize: maxBody,
    onError: (c) => c.json({ error: { name: ErrorName.InvalidArguments, message: `Request body too large: more than ${maxBody} bytes (maxPayload)` } }, 413),
  }));
  for (const route of apiRouteList) {
    app.on(route.method.toUpperCase(), route.path, async (c) => {
      let input: unknown = {};
      if (route.body) {
        let raw: unknown;
        try {
          raw = await c.req.json();
        } catch (error) {
          return c.json({ error: { name: ErrorName.InvalidArguments, message: `Invalid request body: not JSON: ${(error as Error).message}` } }, 400);
        }
        const parsed = route.body.safeParse(raw);
        if (!parsed.success) return c.json({ error: { name: ErrorName.InvalidArguments, message: describeIssues(parsed.error, "body") } }, 400);
        input = parsed.data;
      } else if (route.query) {
        const parsed = route.query.safeParse(c.req.query());
        if (!parsed.success) return c.json({ error: { name: ErrorName.InvalidArguments, message: describeIssues(parsed.error, "query") } }, 400);
        input = parsed.data;
      }
      try {
        return c.json((await route.run(api, input)) as object ?? {});
      } catch (error) {
        const problem = apiProblem(error);
        return c.json({ error: problem.error }, problem.status);
      }
    });
  }
  // A sub-app's notFound is not used once mounted: a catch-all answers unknown routes.
  app.all("*", (c) => c.json({ error: { name: ErrorName.InvalidAction, message: `No API route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));
  return app;
}
