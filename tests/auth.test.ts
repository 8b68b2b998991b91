/**
 * JWT auth with the real socketcluster-client: tokens issued by a procedure, re-auth on
 * reconnect, bad tokens refused with SocketCluster's authError names and #removeAuthToken,
 * key rotation by kid, expiry on live connections, and `scx token`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeProtectedHeader, SignJWT } from "jose";
import { startScx, type StartedScx } from "./helpers/startScx.ts";
import { connected, tokenStore } from "./helpers/scClient.ts";

const key = "test-secret-key-0123456789abcdef";
const oldKey = "old-secret-key-0123456789abcdef";
const encode = (secret: string) => new TextEncoder().encode(secret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function sign(payload: Record<string, unknown>, secret = key, header: Record<string, unknown> = {}, exp: string | number = "1h") {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", ...header }).setIssuedAt().setExpirationTime(exp).sign(encode(secret));
}

let scx: StartedScx;
const open: any[] = [];
beforeAll(async () => {
  scx = await startScx({
    pingInterval: 100,
    auth: { key, kid: "new", verifyKeys: [{ kid: "old", key: oldKey }] },
    worker: new URL("./fixtures/worker.ts", import.meta.url).pathname,
  });
});
afterAll(async () => {
  for (const client of open) client.disconnect();
  await scx.stop();
});

async function connect(token: string | null = null) {
  const store = tokenStore(token);
  const result = await connected(scx.port, { authEngine: store });
  open.push(result.client);
  return { ...result, store };
}

describe("auth tokens", () => {
  test("a login procedure's setAuthToken authenticates the client, which re-authenticates on reconnect", async () => {
    const { client, store } = await connect();
    const authenticated = client.listener("authenticate").once();
    expect(await client.invoke("login", { username: "alice" })).toBe("ok");
    await authenticated;
    expect(client.authState).toBe("authenticated");
    expect(client.authToken.sub).toBe("alice");
    expect(store.token).toBe(client.signedAuthToken);
    expect(decodeProtectedHeader(store.token!).kid).toBe("new");
    client.reconnect();
    const status = await client.listener("connect").once();
    expect(status.isAuthenticated).toBe(true);
  });

  test("an expired token is refused with AuthTokenExpiredError and removed", async () => {
    const expired = await sign({ sub: "bob" }, key, { kid: "new" }, Math.floor(Date.now() / 1000) - 10);
    const { client, status, store } = await connect(expired);
    expect(status.isAuthenticated).toBe(false);
    expect(status.authError.name).toBe("AuthTokenExpiredError");
    expect(status.authError.isBadToken).toBe(true);
    if (store.token !== null) await client.listener("removeAuthToken").once();
    expect(store.token).toBeNull();
  });

  test("tampered, wrong-key and alg none tokens are refused with AuthTokenInvalidError", async () => {
    const good = await sign({ sub: "carol" }, key, { kid: "new" });
    const [h, p, s] = good.split(".");
    const tampered = [h, b64({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "admin" }), s].join(".");
    const wrongKey = await sign({ sub: "carol" }, "some-other-key-0123456789abcdef", { kid: "new" });
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "carol", exp: 9999999999 })}.`;
    for (const token of [tampered, wrongKey, none]) {
      const { client, status, store } = await connect(token);
      expect(status.isAuthenticated).toBe(false);
      expect(status.authError.name).toBe("AuthTokenInvalidError");
      if (store.token !== null) await client.listener("removeAuthToken").once();
      expect(store.token).toBeNull();
    }
  });

  test("rotation: a token signed with the old kid's key still verifies", async () => {
    const old = await sign({ sub: "dave" }, oldKey, { kid: "old" });
    const { status } = await connect(old);
    expect(status.isAuthenticated).toBe(true);
  });

  test("#authenticate with a valid token authenticates; with a bad one fails and removes it", async () => {
    const { client } = await connect();
    const valid = await sign({ sub: "erin" }, key, { kid: "new" });
    expect((await client.authenticate(valid)).isAuthenticated).toBe(true);
    const error = await client.authenticate("not.a.token").catch((e: any) => e);
    expect(error.name).toBe("AuthTokenInvalidError");
  });

  test("an expiring token is removed from a live connection", async () => {
    const { client } = await connect();
    await client.invoke("login", { username: "frank", expiresIn: 1 });
    expect(client.authState).toBe("authenticated");
    await client.listener("removeAuthToken").once();
    expect(client.authState).toBe("unauthenticated");
  });

  test("deauthenticate() on the server pushes #removeAuthToken", async () => {
    const seen = new Promise<any>((resolve) => scx.server.on("authentication", resolve));
    const { client } = await connect(await sign({ sub: "gina" }, key, { kid: "new" }));
    const socket = await seen;
    const removed = client.listener("removeAuthToken").once();
    socket.deauthenticate();
    await removed;
    expect(client.authState).toBe("unauthenticated");
  });
});

describe("scx token", () => {
  test("mints a token with the configured key that the server accepts", async () => {
    const dir = `${import.meta.dir}/../node_modules/.cache/scx-token-test`;
    await Bun.$`mkdir -p ${dir}`;
    await Bun.write(`${dir}/scx.yaml`, `auth:\n  key: ${key}\n  kid: new\n`);
    const result = Bun.spawnSync([process.execPath, `${import.meta.dir}/../cli.ts`, "token", "--sub", "henry", "--exp", "1h", `${dir}/scx.yaml`]);
    expect(result.exitCode).toBe(0);
    const token = result.stdout.toString().trim();
    const { status } = await connect(token);
    expect(status.isAuthenticated).toBe(true);
  });
});

describe("asymmetric keys", () => {
  test("EdDSA with PEM key files signs tokens that verify, and refuses an HS256 token", async () => {
    const { generateKeyPair, exportPKCS8, exportSPKI, decodeProtectedHeader: header } = await import("jose");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const dir = mkdtempSync(`${(await import("node:os")).tmpdir()}/scx-eddsa-`);
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    writeFileSync(`${dir}/private.pem`, await exportPKCS8(privateKey));
    writeFileSync(`${dir}/public.pem`, await exportSPKI(publicKey));
    const eddsa = await startScx({
      auth: { algorithm: "EdDSA", keyFile: `${dir}/private.pem`, publicKeyFile: `${dir}/public.pem` },
      worker: new URL("./fixtures/worker.ts", import.meta.url).pathname,
    });
    try {
      const store = tokenStore();
      const { client } = await connected(eddsa.port, { authEngine: store });
      await client.invoke("login", { username: "ivy" });
      expect(header(store.token!).alg).toBe("EdDSA");
      client.reconnect();
      expect((await client.listener("connect").once()).isAuthenticated).toBe(true);
      client.disconnect();
      const hs = await sign({ sub: "ivy" });
      const { client: other, status } = await connected(eddsa.port, { authEngine: tokenStore(hs) });
      expect(status.authError.name).toBe("AuthTokenInvalidError");
      other.disconnect();
    } finally {
      await eddsa.stop();
    }
  });
});
