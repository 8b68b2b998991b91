/**
 * The library resolves relative paths in its config (worker script, static folder) against
 * the current directory, in-process and with worker threads.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { type CliProcess, startCli } from "./helpers/startCli.ts";
import { scClient } from "./helpers/scClient.ts";

const index = new URL("../src/index.ts", import.meta.url).pathname;
const running: CliProcess[] = [];
afterAll(() => { for (const proc of running) proc.kill(); });

for (const workers of [0, 1]) {
  test(`createServer() with workers: ${workers} finds worker: "./w.ts" and static: "public" in the current directory`, async () => {
    const dir = mkdtempSync(`${tmpdir()}/scx-lib-paths-`);
    mkdirSync(`${dir}/public`);
    writeFileSync(`${dir}/public/hello.txt`, "hello from public");
    writeFileSync(`${dir}/w.ts`, `export default (scx) => { scx.procedure("where", () => "w.ts"); };\n`);
    writeFileSync(`${dir}/app.ts`, `import { createServer } from ${JSON.stringify(index)};
const server = createServer({ host: "127.0.0.1", port: 0, workers: ${workers}, worker: "./w.ts", static: "public", logLevel: "error" });
await server.start();
console.log("scx listening on http://127.0.0.1:" + server.port + "/");
`);
    const proc = await startCli([process.execPath, "app.ts"], { cwd: dir });
    running.push(proc);
    const client = scClient(proc.port);
    await client.listener("connect").once();
    expect(await client.invoke("where")).toBe("w.ts");
    expect(await (await fetch(`http://127.0.0.1:${proc.port}/hello.txt`)).text()).toBe("hello from public");
    client.disconnect();
  }, 30_000);
}
