/** The protocol layer: pure, shared by server and client. */
export * from "./closeCodes.ts";
export * from "./errorNames.ts";
export * from "./dehydrate.ts";
export * from "./codec.ts";
export * from "./packets.ts";
