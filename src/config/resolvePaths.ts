/**
 * Make every file path in a config absolute, relative to the config file's folder, so
 * threads and scripts find them whatever the working directory.
 *
 * @example
 * resolvePaths(config, "/srv/app"); // static: "public" → "/srv/app/public"
 */
import type { Config } from "./schema.ts";

export function resolvePath(dir: string, path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const parts = `${dir}/${path}`.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "..") out.pop();
    else if (part !== "." && part !== "") out.push(part);
  }
  return "/" + out.join("/");
}

export function resolvePaths(config: Config, dir: string): Config {
  const at = (path: string | null | undefined) => (path ? resolvePath(dir, path) : path);
  return {
    ...config,
    static: at(config.static) ?? null,
    worker: at(config.worker) ?? null,
    contracts: config.contracts ? { ...config.contracts, file: resolvePath(dir, config.contracts.file) } : null,
    tls: config.tls ? { certFile: resolvePath(dir, config.tls.certFile), keyFile: resolvePath(dir, config.tls.keyFile) } : null,
    auth: {
      ...config.auth,
      keyFile: at(config.auth.keyFile) ?? undefined,
      publicKeyFile: at(config.auth.publicKeyFile) ?? undefined,
      verifyKeys: config.auth.verifyKeys.map((entry) => ({ ...entry, keyFile: at(entry.keyFile) ?? undefined })),
    },
  };
}
