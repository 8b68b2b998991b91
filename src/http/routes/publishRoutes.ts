/**
 * POST /api/publish and /api/broadcast.
 *
 * @example
 * // curl -H "Authorization: apikey $KEY" -d '{"channel":"chat/1","data":{"text":"hi"}}' http://localhost:8000/api/publish
 */
import { apiSchemas } from "../apiSchemas.ts";
import type { ApiRoute } from "./ApiRoute.ts";

export const publishRoutes: ApiRoute[] = [
  {
    method: "post", path: "/publish", summary: "Publish to a channel on every worker and host",
    description: "Answers {} or, on a history channel, the publication's offset and epoch.",
    body: apiSchemas.publish.body, response: apiSchemas.publish.response,
    run: (api, body) => api.publish(body.channel, body.data),
  },
  {
    method: "post", path: "/broadcast", summary: "Publish the same data to several channels",
    body: apiSchemas.broadcast.body, response: apiSchemas.broadcast.response,
    run: (api, body) => api.broadcast(body.channels, body.data),
  },
];
