/**
 * Static files from one folder, `index.html` for folders, never a path outside it.
 *
 * @example
 * app.get("*", serveStatic(runtime, "/srv/app/public"));
 */
import type { Context } from "hono";
import type { Runtime } from "../runtime/runtime.ts";

const types: Record<string, string> = {
  html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8", json: "application/json", svg: "image/svg+xml", png: "image/png",
  jpg: "image/jpeg", ico: "image/x-icon", txt: "text/plain; charset=utf-8", wasm: "application/wasm",
};

export function serveStatic(runtime: Runtime, folder: string) {
  const root = folder.replace(/\/+$/, "");
  return async (c: Context) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text("Bad Request", 400);
    }
    if (path.split("/").includes("..") || path.includes("\0")) return c.text("Not Found", 404);
    if (path.endsWith("/")) path += "index.html";
    const response = await runtime.fileResponse(root + path);
    if (!response) return c.text("Not Found", 404);
    const type = types[path.slice(path.lastIndexOf(".") + 1).toLowerCase()];
    if (type) response.headers.set("content-type", type);
    return response;
  };
}
