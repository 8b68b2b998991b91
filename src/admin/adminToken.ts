/**
 * Admin sign-in tokens: `<expiry>.<HMAC-SHA256(password, expiry)>`, stateless so any
 * thread of any host with the same password checks them, and void when the password
 * changes. The sign-in form sets one as a cookie; the page hands it to its WebSocket.
 *
 * @example
 * const token = await signAdminToken("s3cret-pass", 12);
 * await verifyAdminToken("s3cret-pass", token); // true
 */
const encoder = new TextEncoder();

async function mac(password: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`scx-admin:${message}`)));
  return btoa(String.fromCharCode(...signature)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Equal-time comparison, so a wrong token's timing tells nothing. */
export function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function signAdminToken(password: string, hours: number, now = Date.now()): Promise<string> {
  const expiry = String(Math.floor(now / 1000 + hours * 3600));
  return `${expiry}.${await mac(password, expiry)}`;
}

/**
 * Whether `token` was signed with `password` and has not expired.
 *
 * @example
 * if (!(await verifyAdminToken(password, cookie))) return c.redirect("/admin/login");
 */
export async function verifyAdminToken(password: string, token: unknown, now = Date.now()): Promise<boolean> {
  if (typeof token !== "string") return false;
  const [expiry, signature, extra] = token.split(".");
  if (!expiry || !signature || extra !== undefined || !/^\d+$/.test(expiry)) return false;
  if (Number(expiry) * 1000 <= now) return false;
  return sameText(await mac(password, expiry), signature);
}

/**
 * Whether an Authorization header is HTTP Basic `admin:<password>`.
 *
 * @example
 * basicAuthMatches(c.req.header("authorization"), password);
 */
export function basicAuthMatches(header: string | undefined, password: string): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return false;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0)));
  } catch {
    return false;
  }
  return sameText(decoded, `admin:${password}`);
}
