/**
 * The spare worker thread `scx serve` starts before it reads the config
 * (src/threads/spareThread.ts): taken when it runs the right code, refused when it
 * failed, ended when unused. `scx serve` itself, threaded and not, is in cli.test.ts and
 * binary.test.ts; its timing in bench/startup.ts.
 */
import { describe, expect, test } from "bun:test";
import { endSpareThread, startSpareThread, takeSpareThread } from "../src/threads/spareThread.ts";

const echo = new URL("./fixtures/spare/echo.ts", import.meta.url).href;
const throws = new URL("./fixtures/spare/throws.ts", import.meta.url).href;

function answer(thread: Worker, message: string): Promise<string> {
  return new Promise((resolve) => {
    thread.onmessage = (event) => resolve(event.data);
    thread.postMessage(message);
  });
}

describe("spare thread", () => {
  test("the spare is taken for its own URL only, once, and runs its code", async () => {
    startSpareThread(echo);
    expect(takeSpareThread(throws)).toBeNull();
    const thread = takeSpareThread(echo)!;
    expect(thread).toBeInstanceOf(Worker);
    expect(takeSpareThread(echo)).toBeNull();
    expect(await answer(thread, "hi")).toBe("echo:hi");
    thread.terminate();
  });

  test("a spare whose code failed is not handed out (a fresh thread then reports the error)", async () => {
    const thread = startSpareThread(throws);
    // Listeners run in the order they were added: the spare's own has seen the failure when this one runs.
    const message = await new Promise<string>((resolve) => thread.addEventListener("error", (event) => resolve((event as ErrorEvent).message)));
    expect(message).toContain("spare fixture fails on purpose");
    expect(takeSpareThread(throws)).toBeNull();
  });

  test("an unused spare is ended, and a new one can start afterwards", async () => {
    startSpareThread(echo);
    endSpareThread();
    expect(takeSpareThread(echo)).toBeNull();
    startSpareThread(echo);
    const thread = takeSpareThread(echo)!;
    expect(await answer(thread, "again")).toBe("echo:again");
    thread.terminate();
  });
});
