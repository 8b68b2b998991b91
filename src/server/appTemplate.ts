/**
 * The files `scx create <dir>` writes: a runnable app with a worker script (a procedure
 * and a middleware), a page using the browser client, the worker API's type declarations
 * (scx.d.ts) and a tsconfig.json, so the worker script type-checks with nothing installed,
 * and a package.json with no dependencies for the app's own packages. Kept as strings so
 * the compiled binary carries them.
 *
 * @example
 * const files = appTemplate("my-app", "0.1.0"); // { "scx.yaml": "...", "worker.ts": "...", ... }
 */
import { workerTypesText } from "./workerTypes.generated.ts";

export function appTemplate(name: string, version: string): Record<string, string> {
  return {
    "scx.yaml": `# ${name}: served by \`scx serve\` from this folder
port: 8000
static: public
worker: worker.ts
logLevel: info
auth:
  key: change-me-${crypto.randomUUID()}   # or set SCX_AUTH__KEY
`,
    "worker.ts": `/**
 * Loaded in every scx worker thread. \`scx\` is the worker API: procedures, receivers,
 * middleware, exchange, HTTP routes (scx.http is a hono app), logger and config.
 */
import type { WorkerApi } from "scx";

export default (scx: WorkerApi) => {
  // invoke("greet", "Ada") → "Hello, Ada"
  scx.procedure("greet", (name: unknown) => {
    if (typeof name !== "string" || name === "") throw scx.error("InvalidNameError", "Send a name");
    return \`Hello, \${name}\`;
  });

  // Publications to "shout" are upper-cased on their way in.
  scx.middleware("inbound", (action) => {
    if (action.type === "publishIn" && action.channel === "shout") action.data = String(action.data).toUpperCase();
  });

  scx.http.get("/hello", (c) => c.text("Hello from the worker script"));
};
`,
    "public/index.html": `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${name}</title></head>
<body>
  <h1>${name}</h1>
  <p id="greeting">Connecting…</p>
  <form id="form"><input id="text" placeholder="Shout something" autocomplete="off"><button>Send</button></form>
  <ul id="log"></ul>
  <script type="module">
    import { create } from "/scx-client.js";
    const socket = create({ hostname: location.hostname, port: Number(location.port) || undefined });
    socket.on("connect", async () => {
      document.getElementById("greeting").textContent = await socket.invoke("greet", "browser");
    });
    socket.subscribe("shout").watch((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      document.getElementById("log").append(li);
    });
    document.getElementById("form").addEventListener("submit", (event) => {
      event.preventDefault();
      socket.transmitPublish("shout", document.getElementById("text").value);
      document.getElementById("text").value = "";
    });
  </script>
</body>
</html>
`,
    "package.json": JSON.stringify({
      name, private: true, type: "module",
      scripts: { start: "scx serve", check: "scx check scx.yaml", typecheck: "tsc" },
    }, null, 2) + "\n",
    "scx.d.ts": `// For scx ${version}.\n${workerTypesText}`,
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        lib: ["ESNext", "DOM"], target: "ESNext", module: "Preserve", moduleDetection: "force",
        moduleResolution: "bundler", allowImportingTsExtensions: true, verbatimModuleSyntax: true,
        noEmit: true, strict: true, skipLibCheck: true, noUncheckedIndexedAccess: true,
        // The worker script's types come from scx.d.ts: nothing to install.
        types: [],
      },
      include: ["*.ts"],
    }, null, 2) + "\n",
    "README.md": `# ${name}

An [scx](https://www.npmjs.com/package/scx) app.

- \`scx serve\` starts it on http://localhost:8000 (the page is \`public/index.html\`).
- \`worker.ts\` holds the server logic: procedures, middleware, HTTP routes.
- \`scx.yaml\` is the config (\`scx config schema\` prints its JSON Schema).
- \`scx.d.ts\` declares the worker API (written by \`scx create\`): editors and \`tsc\` (or
  \`npm run typecheck\` with TypeScript installed) check \`worker.ts\` with nothing else installed.
- \`npm install <package>\` adds packages for the worker script to import; the binary loads
  them from \`node_modules\` beside it.
`,
  };
}
