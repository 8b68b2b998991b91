/**
 * Channel namespaces at run time: which entry of the config's `channels:` list a channel
 * falls under (the first whose `match` fits), and what that entry keeps. The schema that
 * validates the list is in channels.ts; this file imports no zod, so sockets and brokers
 * start without it. Patterns are globs over `/`-separated segments: `*` is exactly one
 * segment, `**` any number of segments (zero or more), anything else is literal.
 *
 * @example
 * const find = namespaceMatcher([{ match: "chat/*", history: { size: 100, ttl: 600 }, latest: false, presence: false, joinLeave: false }]);
 * find("chat/1")?.history?.size; // 100
 * find("chat/1/x"); // null
 */

/** One `channels:` entry as validated (channels.ts checks that its schema gives exactly this type). */
export interface ChannelNamespace {
  match: string;
  history?: { size: number; ttl: number };
  latest: boolean;
  conflate?: number;
  publish?: { rate: number; burst: number };
  presence: boolean;
  joinLeave: boolean;
}

/** Whether publications on a namespace are kept at all (history, or the latest one). */
export function keepsPublications(namespace: ChannelNamespace | null): boolean {
  return namespace !== null && (namespace.history !== undefined || namespace.latest);
}

/**
 * Whether a namespace keeps a member list (`presence`, or `joinLeave`, which implies it).
 *
 * @example
 * hasPresence({ match: "room/*", presence: true, joinLeave: false, latest: false }); // true
 */
export function hasPresence(namespace: ChannelNamespace | null): boolean {
  return namespace !== null && (namespace.presence || namespace.joinLeave);
}

function globToRegExp(pattern: string): RegExp {
  const literal = (segment: string) => segment === "*" ? "[^/]*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  let source = "";
  pattern.split("/").forEach((segment, index, segments) => {
    if (segment === "**") {
      // Zero or more whole segments: `a/**` matches `a`, `**/b` matches `b`.
      if (segments.length === 1) source += ".*";
      else if (index === 0) source += "(?:[^/]*/)*";
      else source += "(?:/[^/]*)*";
      return;
    }
    const after = index > 0 && !(index === 1 && segments[0] === "**");
    source += (after ? "/" : "") + literal(segment);
  });
  return new RegExp(`^${source}$`);
}

/** The options of a Pusher `presence-` channel no `channels:` entry matches. */
export const pusherPresenceNamespace: ChannelNamespace = { match: "presence-*", latest: false, presence: true, joinLeave: true };

/**
 * Compile the namespace list once; the returned function finds a channel's options (or
 * null). With no namespaces it returns null at once, so ephemeral-only configs pay nothing.
 * With `pusherPresence` (Pusher apps are configured), every `presence-…` channel keeps
 * its members with joins and leaves: the matching entry's options with `presence` and
 * `joinLeave` on, or `pusherPresenceNamespace` when no entry matches.
 */
export function namespaceMatcher(
  namespaces: readonly ChannelNamespace[], options: { pusherPresence?: boolean } = {},
): (channel: string) => ChannelNamespace | null {
  if (options.pusherPresence) return withPusherPresence(namespaceMatcher(namespaces));
  if (namespaces.length === 0) return () => null;
  const compiled = namespaces.map((namespace) => ({ namespace, pattern: globToRegExp(namespace.match) }));
  // When every pattern starts with a literal segment, a channel whose first segment is none
  // of them matches nothing: answered without a regex or a cache entry (fresh channels).
  const firsts = namespaces.map((namespace) => namespace.match.split("/")[0]!);
  const heads = firsts.some((first) => first === "*" || first === "**") ? null : [...new Set(firsts)];
  const headOf = (channel: string) => {
    for (const head of heads!) {
      if (channel.startsWith(head) && (channel.length === head.length || channel.charCodeAt(head.length) === 47)) return true;
    }
    return false;
  };
  // Answers are remembered (publish paths ask once per publication); bounded by starting over.
  const known = new Map<string, ChannelNamespace | null>();
  return (channel) => {
    if (heads && !headOf(channel)) return null;
    let found = known.get(channel);
    if (found !== undefined) return found;
    found = null;
    for (const { namespace, pattern } of compiled) {
      if (pattern.test(channel)) {
        found = namespace;
        break;
      }
    }
    if (known.size >= 10_000) known.clear();
    known.set(channel, found);
    return found;
  };
}

function withPusherPresence(find: (channel: string) => ChannelNamespace | null): (channel: string) => ChannelNamespace | null {
  const forced = new Map<ChannelNamespace, ChannelNamespace>();
  return (channel) => {
    const found = find(channel);
    if (!channel.startsWith("presence-")) return found;
    if (!found) return pusherPresenceNamespace;
    if (found.presence && found.joinLeave) return found;
    let presence = forced.get(found);
    if (!presence) forced.set(found, presence = { ...found, presence: true, joinLeave: true });
    return presence;
  };
}
