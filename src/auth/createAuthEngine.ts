/**
 * Build the auth engine from the `auth` config: import every key once (file paths are
 * already absolute). The roots make sure a key exists (one is generated when none is
 * configured), so every thread verifies the same tokens. jose itself loads only for PEM
 * keys here, and on the first token otherwise (joseAuthEngine.ts).
 *
 * @example
 * const engine = await createAuthEngine(config.auth, runtime.readTextFile, log);
 */
import type { KeyObject } from "jose";
import type { AuthConfig } from "../config/schema.ts";
import type { Logger } from "../log/logger.ts";
import { JoseAuthEngine, loadJose } from "./joseAuthEngine.ts";

type Key = KeyObject | CryptoKey | Uint8Array;

export async function createAuthEngine(
  auth: AuthConfig, readTextFile: (path: string) => Promise<string>, log: Logger,
): Promise<JoseAuthEngine | null> {
  const symmetric = auth.algorithm.startsWith("HS");
  const read = (file: string) => readTextFile(file).then((text) => text.trim());
  let signKey: Key;
  let verifyKey: Key;
  if (symmetric) {
    const secret = auth.key ?? (auth.keyFile ? await read(auth.keyFile) : undefined);
    if (!secret) return null;
    signKey = verifyKey = new TextEncoder().encode(secret);
  } else {
    if (!auth.keyFile || !auth.publicKeyFile) {
      throw new Error(`auth.algorithm "${auth.algorithm}" needs auth.keyFile (private PEM) and auth.publicKeyFile (public PEM)`);
    }
    signKey = await (await loadJose()).importPKCS8(await read(auth.keyFile), auth.algorithm);
    verifyKey = await importPublicKey(await read(auth.publicKeyFile), auth.algorithm);
  }
  const verifyKeys = new Map<string, Key>();
  for (const entry of auth.verifyKeys) {
    const material = entry.key ?? (entry.keyFile ? await read(entry.keyFile) : undefined);
    if (!material) throw new Error(`auth.verifyKeys entry "${entry.kid}" needs key or keyFile`);
    verifyKeys.set(entry.kid, symmetric ? new TextEncoder().encode(material) : await importPublicKey(material, auth.algorithm));
  }
  log.debug("Auth engine ready", { algorithm: auth.algorithm, rotationKeys: verifyKeys.size });
  return new JoseAuthEngine({
    algorithm: auth.algorithm, signKey, verifyKey, kid: auth.kid, verifyKeys,
    defaultExpiry: auth.defaultExpiry, issuer: auth.issuer, audience: auth.audience,
  });
}

async function importPublicKey(pem: string, algorithm: string): Promise<Key> {
  return (await loadJose()).importSPKI(pem, algorithm);
}
