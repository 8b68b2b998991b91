/**
 * GET /api/presence, /api/presence-stats, /api/history, /api/channels and /api/info.
 *
 * @example
 * // curl -H "Authorization: apikey $KEY" "http://localhost:8000/api/channels?pattern=chat/*"
 */
import { apiSchemas } from "../apiSchemas.ts";
import type { ApiRoute } from "./ApiRoute.ts";

export const readRoutes: ApiRoute[] = [
  {
    method: "get", path: "/presence", summary: "Who is in a channel",
    query: apiSchemas.presence.query, response: apiSchemas.presence.response,
    run: (api, query) => api.presence(query.channel),
  },
  {
    method: "get", path: "/presence-stats", summary: "How many clients and users are in a channel",
    query: apiSchemas.presenceStats.query, response: apiSchemas.presenceStats.response,
    run: (api, query) => api.presenceStats(query.channel),
  },
  {
    method: "get", path: "/history", summary: "A history channel's kept publications",
    description: "Without since_offset/since_epoch: the latest `limit`; with them: the first `limit` after that position.",
    query: apiSchemas.history.query, response: apiSchemas.history.response,
    run: (api, query) => api.history(query.channel, {
      limit: query.limit,
      since: query.since_offset === undefined ? undefined : { offset: query.since_offset, epoch: query.since_epoch },
    }),
  },
  {
    method: "get", path: "/channels", summary: "Channels with subscribers on any host, with subscriber counts",
    query: apiSchemas.channels.query, response: apiSchemas.channels.response,
    run: (api, query) => api.channels(query.pattern),
  },
  {
    method: "get", path: "/info", summary: "One entry per host: version, uptime, threads, connections",
    response: apiSchemas.info.response,
    run: (api) => api.info(),
  },
];
