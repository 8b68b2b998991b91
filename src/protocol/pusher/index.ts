/**
 * The Pusher Channels protocol (version 7), pure: frames, event names, channel names,
 * auth signatures, the error-code table and the publication mapping.
 *
 * @example
 * import { parsePusherFrame, PusherCode } from "./protocol/pusher/index.ts";
 */
export * from "./events.ts";
export * from "./errorCodes.ts";
export * from "./frames.ts";
export * from "./channelNames.ts";
export * from "./channelAuth.ts";
export * from "./publicationMapping.ts";

