/**
 * POST /api/disconnect, /api/subscribe and /api/unsubscribe: act on a user's connections
 * (auth token `sub`) or one client's, on every worker and host.
 *
 * @example
 * // curl -H "Authorization: apikey $KEY" -d '{"user":"ann"}' http://localhost:8000/api/disconnect → {"disconnected":2}
 */
import { apiSchemas } from "../apiSchemas.ts";
import type { ApiRoute } from "./ApiRoute.ts";

const target = (body: { user?: string; client?: string }) => body.user !== undefined ? { user: body.user } : { client: body.client };

export const connectionRoutes: ApiRoute[] = [
  {
    method: "post", path: "/disconnect", summary: "Close a user's or a client's connections on every host",
    body: apiSchemas.disconnect.body, response: apiSchemas.disconnect.response,
    run: (api, body) => api.disconnect({ ...target(body), code: body.code, reason: body.reason }),
  },
  {
    method: "post", path: "/subscribe", summary: "Subscribe a user's or a client's connections to a channel",
    description: "Each connection then gets the channel's publications, and a #subscribe event { channel } tells the client.",
    body: apiSchemas.subscribe.body, response: apiSchemas.subscribe.response,
    run: (api, body) => api.subscribe(body.channel, target(body)),
  },
  {
    method: "post", path: "/unsubscribe", summary: "Remove a user's or a client's connections from a channel",
    description: "Each client is told with #kickOut, as when the server kicks it out.",
    body: apiSchemas.unsubscribe.body, response: apiSchemas.unsubscribe.response,
    run: (api, body) => api.unsubscribe(body.channel, target(body)),
  },
];
