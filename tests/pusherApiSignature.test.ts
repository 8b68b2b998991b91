/**
 * Pusher HTTP API request signing (src/protocol/pusher/requestSignature.ts), checked
 * against the worked example of Pusher's HTTP API reference and against the `pusher`
 * server SDK's own signer (its createSignedQueryString) as the oracle.
 */
import { describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { bodyMd5, signedQuery, stringToSign, timestampWindow, verifyRequestSignature } from "../src/protocol/pusher/requestSignature.ts";

const require = createRequire(import.meta.url);
const sdkRequests = require("pusher/lib/requests.js") as { createSignedQueryString(token: unknown, request: unknown): string };
const SdkToken = require("pusher/lib/token.js") as new (key: string, secret: string) => unknown;

// Pusher's worked example: app 3, key 278d425bdf160c739803, secret 7ad3773142a6692b25b8.
const example = { key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" };
const exampleBody = '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}';

describe("requestSignature", () => {
  test("signedQuery() reproduces the worked example of Pusher's HTTP API reference", () => {
    expect(bodyMd5(exampleBody)).toBe("ec365a775a4cd0599faeb73354201b6f");
    expect(signedQuery(example, { method: "POST", path: "/apps/3/events", body: exampleBody, timestamp: 1353088179 })).toEqual({
      auth_key: "278d425bdf160c739803", auth_timestamp: "1353088179", auth_version: "1.0",
      body_md5: "ec365a775a4cd0599faeb73354201b6f",
      auth_signature: "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
    });
  });

  test("stringToSign() lowercases keys, sorts them, leaves values unescaped and drops auth_signature", () => {
    expect(stringToSign("get", "/apps/3/channels", { Info: "user_count,subscription_count", auth_key: "k", auth_signature: "x", filter_by_prefix: "presence-" }))
      .toBe("GET\n/apps/3/channels\nauth_key=k&filter_by_prefix=presence-&info=user_count,subscription_count");
  });

  test("verifyRequestSignature() accepts what the pusher SDK signs, GET with params and POST with a body", () => {
    const token = new SdkToken(example.key, example.secret);
    for (const request of [
      { method: "GET", path: "/apps/3/channels", params: { filter_by_prefix: "presence-", info: "user_count" } },
      { method: "POST", path: "/apps/3/events", body: exampleBody },
    ]) {
      const query = Object.fromEntries(new URLSearchParams(sdkRequests.createSignedQueryString(token, request)));
      expect(verifyRequestSignature({ ...request, query }, example, Date.now() / 1000)).toEqual({ ok: true });
    }
  });

  test("verifyRequestSignature() refuses a wrong secret, key, version, a stale timestamp and a changed body", () => {
    const now = 1353088179;
    const request = { method: "POST", path: "/apps/3/events", body: exampleBody };
    const query = signedQuery(example, { ...request, timestamp: now });
    const check = (q: Record<string, string>, at = now, body = exampleBody) => verifyRequestSignature({ ...request, body, query: q }, example, at);
    expect(check(signedQuery({ ...example, secret: "another-secret" }, { ...request, timestamp: now }))).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid signature: you should have sent HmacSHA256Hex\(/) });
    expect(check({ ...query, auth_key: "other" })).toEqual({ ok: false, message: 'Unknown auth_key "other"' });
    expect(check({ ...query, auth_version: "2.0" })).toEqual({ ok: false, message: 'Unsupported auth_version "2.0": expected "1.0"' });
    expect(check(query, now + timestampWindow)).toEqual({ ok: true });
    expect(check(query, now + timestampWindow + 1)).toEqual({ ok: false, message: "Timestamp expired: Given timestamp (2012-11-16T17:49:39Z) not within 600s of server time (2012-11-16T17:59:40Z)" });
    expect(check(query, now, exampleBody.replace("foo", "bar"))).toEqual({ ok: false, message: "Invalid body_md5: it is not the hex MD5 of the request body" });
    // A changed query parameter breaks the signature too.
    expect(check({ ...query, extra: "1" })).toMatchObject({ ok: false, message: expect.stringContaining("auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f&extra=1") });
  });
});
