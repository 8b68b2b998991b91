/**
 * For the server API tests: a fetch-based API client with the key, and raw sockets that
 * hand-shake with an auth token (a user, the token's `sub`).
 */
import { SignJWT } from "jose";
import { rawSocket, type RawSocket } from "./rawSocket.ts";

export const apiKey = "test-api-key-0123456789";
export const authKey = "test-auth-secret-0123456789abcdef";

export function apiClient(base: string, key: string | null = apiKey) {
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    ({ ...(key === null ? {} : { authorization: `apikey ${key}` }), ...extra });
  return {
    async post(path: string, body: unknown): Promise<{ status: number; body: any }> {
      const response = await fetch(`${base}/api${path}`, {
        method: "POST", headers: headers({ "content-type": "application/json" }),
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async get(path: string): Promise<{ status: number; body: any }> {
      const response = await fetch(`${base}/api${path}`, { headers: headers() });
      return { status: response.status, body: await response.json() };
    },
  };
}

export function userToken(sub: string): Promise<string> {
  return new SignJWT({ sub }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(authKey));
}

/** A raw socket, hand-shaken as `user` (or anonymous); `id` is its client id. */
export async function userSocket(url: string, user: string | null): Promise<RawSocket & { id: string }> {
  const socket = rawSocket(url);
  await socket.opened;
  socket.send({ event: "#handshake", data: { authToken: user === null ? null : await userToken(user) }, cid: 1 });
  const response = await socket.nextPacket(10_000);
  if (user !== null && !response.data?.isAuthenticated) throw new Error(`Handshake as ${user} failed: ${JSON.stringify(response)}`);
  return Object.assign(socket, { id: response.data.id as string });
}

/** Subscribe a raw socket and wait for the reply. */
export async function subscribed(socket: RawSocket, channel: string, cid: number): Promise<void> {
  socket.send({ event: "#subscribe", data: { channel }, cid });
  for (;;) {
    const packet = await socket.nextPacket(10_000);
    if (packet.rid === cid) return;
  }
}

/** The next packet that matches (skipping others). */
export async function nextMatching(socket: RawSocket, match: (packet: any) => boolean, timeoutMs = 10_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const packet = await socket.nextPacket(Math.max(until - Date.now(), 1));
    if (match(packet)) return packet;
  }
}
