/**
 * The admin page's HTTP side under /admin/: the sign-in form (POST /admin/login sets an
 * HttpOnly session cookie), HTTP Basic `admin:<password>` for scripts, the dashboard
 * shell, its script (/admin/app.js: the page, the scx client and uPlot in one bundle,
 * embedded in the binary), /admin/stats.json and sign-out. Off (404) without
 * `admin.password`. The page then talks to scx over its own WebSocket (src/admin/adminSocket.ts).
 *
 * @example
 * mountAdmin(app, { config, control, bundle: () => runtime.bundleBrowserModule(entry, "scx-admin.js") });
 */
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config/schema.ts";
import type { ControlPlane } from "../control/ControlPlane.ts";
import { basicAuthMatches, signAdminToken, verifyAdminToken } from "../admin/adminToken.ts";
import { dashboardHtml, signInHtml } from "../admin/page/pageHtml.ts";
import { hostSnapshot } from "../admin/hostSnapshot.ts";

const cookieName = "scx_admin";

export interface AdminRouteOptions {
  config: Config;
  control: ControlPlane;
  /** The page's script bundle. */
  bundle: () => Promise<string>;
  /** The public port the page's WebSocket connects to (default: the port the page came from). */
  wsPort?: () => number;
}

export function mountAdmin(app: Hono, options: AdminRouteOptions): void {
  const { config } = options;
  const password = config.admin.password;
  if (password === undefined) return;
  let script: Promise<string> | null = null;
  const hours = config.admin.sessionHours;

  /** The session token of a signed-in request (cookie or Basic), else null. */
  const session = async (c: Context): Promise<string | null> => {
    const cookie = getCookie(c, cookieName);
    if (cookie && await verifyAdminToken(password, cookie)) return cookie;
    if (basicAuthMatches(c.req.header("authorization"), password)) return signAdminToken(password, hours);
    return null;
  };
  const page = (c: Context, html: string, status: 200 | 401 = 200) =>
    c.html(html, status, { "cache-control": "no-store", "x-frame-options": "DENY", "referrer-policy": "same-origin" });

  app.get("/admin", (c) => c.redirect("/admin/", 301));
  app.get("/admin/", async (c) => {
    const token = await session(c);
    if (!token) return page(c, signInHtml());
    const url = new URL(c.req.url);
    const wsPort = options.wsPort?.() ?? Number(url.port || (url.protocol === "https:" ? 443 : 80));
    return page(c, dashboardHtml({ token, wsPort, wsPath: config.path, secure: config.tls !== null }));
  });
  app.post("/admin/login", async (c) => {
    const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
    const given = typeof form.password === "string" ? form.password : "";
    if (!basicAuthMatches(`Basic ${btoa(`admin:${given}`)}`, password)) {
      // A pause on every wrong guess makes guessing slow.
      await new Promise((resolve) => setTimeout(resolve, 400));
      return page(c, signInHtml({ error: true }), 401);
    }
    setCookie(c, cookieName, await signAdminToken(password, hours), {
      path: "/admin", httpOnly: true, sameSite: "Strict", secure: config.tls !== null, maxAge: Math.round(hours * 3600),
    });
    return c.redirect("/admin/", 303);
  });
  app.post("/admin/logout", (c) => {
    deleteCookie(c, cookieName, { path: "/admin" });
    return c.redirect("/admin/", 303);
  });
  app.get("/admin/app.js", async (c) => {
    script ??= options.bundle();
    return c.body(await script, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" });
  });
  app.get("/admin/stats.json", async (c) => {
    if (!(await session(c))) return c.json({ error: { name: "AuthError", message: "Sign in, or send Authorization: Basic admin:<password>" } }, 401, { "www-authenticate": 'Basic realm="scx admin"' });
    return c.json(await hostSnapshot(options.control));
  });
}
