/**
 * Middleware on every action, SocketCluster's model: handshake (HTTP 401, close 4008 or a
 * custom code), inbound (subscribe, publishIn, invoke, transmit, authenticate) and
 * outbound (publishOut), blocking by a named error or silently, replacing data, and
 * async middleware that keeps each socket's order.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { connected, scClient, tokenStore } from "./helpers/scClient.ts";
import { upgradeStatus } from "./helpers/rawSocket.ts";
import { namedError } from "../src/index.ts";

const key = "middleware-test-key-0123456789abcdef";
let scx: StartedScx;
const open: any[] = [];
const connect = async (options: Record<string, unknown> = {}) => {
  const result = await connected(scx.port, options);
  open.push(result.client);
  return result.client;
};

beforeAll(async () => {
  scx = await startScx({ auth: { key } });
  const { server } = scx;
  server.procedure("echo", (data) => data);
  server.middleware("handshake", (action) => {
    if (action.type === "handshakeWS" && new URL(action.request.url).searchParams.get("deny") === "http") {
      throw namedError("Forbidden", "Go away");
    }
    if (action.type === "handshake") {
      const deny = new URL(action.request.url).searchParams.get("deny");
      if (deny === "sc") throw namedError("NotWelcome", "Not today");
      if (deny === "forever") throw namedError("Banned", "Never again", { statusCode: 4501 });
    }
  });
  server.middleware("inbound", async (action) => {
    if (action.type === "subscribe" && action.channel.startsWith("private/") && !action.socket.authToken) {
      throw namedError("AuthError", "Sign in to subscribe to private channels");
    }
    if (action.type === "subscribe" && action.channel === "slow") await Bun.sleep(50);
    if (action.type === "publishIn" && action.channel === "shout") action.data = String(action.data).toUpperCase();
    if (action.type === "publishIn" && action.channel === "muted") return false;
    if (action.type === "invoke" && action.procedure === "echo" && action.data === "forbidden") {
      throw namedError("InvokeBlocked", "Not that one");
    }
    if (action.type === "authenticate" && action.authToken.sub === "mallory") {
      throw namedError("UserBanned", "Mallory is banned");
    }
  });
  server.middleware("outbound", (action) => {
    if (action.channel === "filtered" && new URL(action.socket.request.url).searchParams.get("name") === "eve") return false;
    if (action.channel === "personal") action.data = `${action.data} for ${new URL(action.socket.request.url).searchParams.get("name")}`;
  });
});
afterAll(async () => {
  for (const client of open) client.disconnect();
  await scx.stop();
});

describe("handshake middleware", () => {
  test("a handshakeWS block answers the upgrade with HTTP 401", async () => {
    expect(await upgradeStatus(scx.port, "/socketcluster/?deny=http")).toBe(401);
  });

  test("a handshake block closes with 4008 and the error's name; statusCode 4501 refuses for good", async () => {
    for (const [deny, code, name] of [["sc", 4008, "NotWelcome"], ["forever", 4501, "Banned"]] as const) {
      const client = scClient(scx.port, { query: { deny } });
      open.push(client);
      const error = client.listener("error").once();
      const abort = await client.listener("connectAbort").once();
      expect(abort.code).toBe(code);
      expect(abort.reason).toContain(name);
      expect((await error).error.name).toBeDefined();
    }
  });
});

describe("inbound middleware", () => {
  test("subscribe to private/… is refused for unauthenticated sockets, allowed once authenticated", async () => {
    const client = await connect({ authEngine: tokenStore() });
    client.subscribe("private/room");
    const failed = await client.listener("subscribeFail").once();
    expect(failed.error.name).toBe("AuthError");
    const token = await new SignJWT({ sub: "alice" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(key));
    await client.authenticate(token);
    const channel = client.subscribe("private/room");
    await channel.listener("subscribe").once();
    expect(channel.state).toBe("subscribed");
  });

  test("publishIn may replace the data; a silent block drops a transmit and fails an invoke", async () => {
    const client = await connect();
    const shout = client.subscribe("shout");
    await shout.listener("subscribe").once();
    const got = shout.once();
    await client.invokePublish("shout", "hello");
    expect(await got).toBe("HELLO");
    const error = await client.invokePublish("muted", "x").catch((e: any) => e);
    expect(error.name).toBe("SilentMiddlewareBlockedError");
    expect(error.type).toBe("inbound");
  });

  test("an invoke block returns the middleware's named error", async () => {
    const client = await connect();
    const error = await client.invoke("echo", "forbidden").catch((e: any) => e);
    expect([error.name, error.message]).toEqual(["InvokeBlocked", "Not that one"]);
    expect(await client.invoke("echo", "fine")).toBe("fine");
  });

  test("an authenticate block turns a valid token into an authError", async () => {
    const token = await new SignJWT({ sub: "mallory" }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(new TextEncoder().encode(key));
    const client = scClient(scx.port, { authEngine: tokenStore(token) });
    open.push(client);
    const status = await client.listener("connect").once();
    expect(status.isAuthenticated).toBe(false);
    expect(status.authError.name).toBe("UserBanned");
    const result = await client.authenticate(token);
    expect(result.isAuthenticated).toBe(false);
    expect(result.authError.name).toBe("UserBanned");
    expect(client.authState).toBe("unauthenticated");
  });

  test("an async subscribe middleware delay keeps the socket's order: subscribe then publish", async () => {
    const client = await connect();
    const channel = client.subscribe("slow");
    const got = channel.once();
    client.transmitPublish("slow", "after subscribe");
    expect(await got).toBe("after subscribe");
  });
});

describe("outbound middleware", () => {
  test("publishOut drops a delivery for one recipient only and may replace data per recipient", async () => {
    const eve = await connect({ query: { name: "eve" } });
    const bob = await connect({ query: { name: "bob" } });
    for (const client of [eve, bob]) {
      await client.subscribe("filtered").listener("subscribe").once();
      await client.subscribe("personal").listener("subscribe").once();
    }
    let eveGotFiltered = false;
    eve.channel("filtered").watch?.(() => { eveGotFiltered = true; });
    (async () => { for await (const _ of eve.channel("filtered")) eveGotFiltered = true; })();
    const bobGot = bob.channel("filtered").once();
    const personal = Promise.all([eve.channel("personal").once(), bob.channel("personal").once()]);
    await bob.invokePublish("filtered", "secret");
    await bob.invokePublish("personal", "hi");
    expect(await bobGot).toBe("secret");
    expect(await personal).toEqual(["hi for eve", "hi for bob"]);
    // Eve's later delivery on the same socket arrived, so the dropped one is not just late.
    expect(eveGotFiltered).toBe(false);
  });
});
