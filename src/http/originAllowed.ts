/**
 * SocketCluster's origin rule: patterns `host:port` where either part may be `*`.
 * A missing Origin header counts as `*`, so it passes only `*:*`.
 *
 * @example
 * originAllowed(["example.com:*"], "https://example.com"); // true
 */
export function originAllowed(origins: string | string[], origin: string | null): boolean {
  const patterns = Array.isArray(origins) ? origins : origins.split(/[ ,]+/).filter(Boolean);
  if (patterns.includes("*:*") || patterns.includes("*")) return true;
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.hostname;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return patterns.some((pattern) => {
    const at = pattern.lastIndexOf(":");
    const [h, p] = at === -1 ? [pattern, "*"] : [pattern.slice(0, at), pattern.slice(at + 1)];
    return (h === "*" || h === host) && (p === "*" || p === port);
  });
}
