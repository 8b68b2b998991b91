/**
 * The library: a Bun app that does `import { createServer } from "scx"`, run as its own
 * process, driven by socketcluster-client.
 */
import { expect, test } from "bun:test";
import sc from "socketcluster-client";

test("createServer() from \"scx\" serves an app that clients use", async () => {
  const app = Bun.spawn([process.execPath, new URL("../examples/library/server.ts", import.meta.url).pathname], {
    env: { ...process.env, PORT: "0" }, stdout: "pipe", stderr: "inherit",
  });
  try {
    const reader = app.stdout.getReader();
    let text = "";
    while (!/listening on (\d+)/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The app exited before listening: ${text}`);
      text += new TextDecoder().decode(value);
    }
    const port = Number(text.match(/listening on (\d+)/)![1]);
    const client = sc.create({ hostname: "127.0.0.1", port, autoReconnect: false });
    const hello = client.receiver("hello").once();
    await client.listener("connect").once();
    expect((await hello).count).toBe(0);
    const channel = client.subscribe("count");
    await channel.listener("subscribe").once();
    const published = channel.once();
    expect(await client.invoke("increment", 5)).toBe(5);
    expect(await published).toBe(5);
    const error = await client.invoke("increment", "x").catch((e: any) => e);
    expect(error.name).toBe("TypeError");
    client.disconnect();
  } finally {
    app.kill("SIGTERM");
    expect(await app.exited).toBe(0);
  }
});
