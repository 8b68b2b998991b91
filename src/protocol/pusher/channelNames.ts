/**
 * Pusher channel names and kinds: at most 164 characters of `[A-Za-z0-9_\-=@,.;]` (no
 * `/`, so a channel shared with SocketCluster clients needs a name valid in both), and
 * the kind by prefix: `private-encrypted-` (end-to-end encrypted: the server relays the
 * ciphertext untouched), `private-`, `presence-`, else public.
 *
 * @example
 * channelKind("presence-room.1"); // "presence"
 * validChannelName("chat/1"); // false
 */
export type ChannelKind = "public" | "private" | "encrypted" | "presence";

/** Pusher's longest channel name. */
export const maxChannelNameLength = 164;

const namePattern = /^[A-Za-z0-9_\-=@,.;]+$/;

export function validChannelName(name: string): boolean {
  return name.length <= maxChannelNameLength && namePattern.test(name);
}

export function channelKind(name: string): ChannelKind {
  if (name.startsWith("private-encrypted-")) return "encrypted";
  if (name.startsWith("private-")) return "private";
  if (name.startsWith("presence-")) return "presence";
  return "public";
}

/** Whether a channel of this name needs the app's auth signature to subscribe. */
export function needsAuth(name: string): boolean {
  return channelKind(name) !== "public";
}

/** Why a name is refused, in scx's message style. */
export function invalidNameMessage(name: string): string {
  return name.length > maxChannelNameLength
    ? `Invalid channel name: longer than ${maxChannelNameLength} characters`
    : `Invalid channel name "${name}": only A-Z a-z 0-9 _ - = @ , . ; are allowed`;
}
