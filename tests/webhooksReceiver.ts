/**
 * A real webhook receiver for the webhook tests (Bun.serve on 127.0.0.1): it checks every
 * body's signature (scx: `X-Scx-Signature: sha256=<hex>`; Pusher: `X-Pusher-Signature`
 * with `X-Pusher-Key`), answers 401 to a bad one (counted), can answer 500 to its first
 * calls, and keeps every event it accepted in arrival order. `stop` and `start` again on
 * the same port stand for a receiver that is down for a while.
 */
import { createHmac } from "node:crypto";

export interface Receiver {
  url: string;
  port: number;
  /** Events of accepted (2xx) calls, in arrival order. */
  events: any[];
  /** Every call, with the status it got. */
  calls: Array<{ status: number; body: any; headers: Record<string, string> }>;
  badSignatures: number;
  /** Answer 500 to the next `n` calls. */
  failNext(n: number): void;
  /** Answer 500 to every call whose body this picks (null: none). */
  rejectIf(pick: ((body: any) => boolean) | null): void;
  /** Resolves with the accepted events once `check` holds for them. */
  until(check: (events: any[]) => boolean, ms?: number): Promise<any[]>;
  stop(): Promise<void>;
  start(): void;
}

export function startReceiver(secret: string, options: { pusherKey?: string; port?: number } = {}): Receiver {
  let failures = 0;
  let reject: ((body: any) => boolean) | null = null;
  let server: ReturnType<typeof Bun.serve> | null = null;
  const receiver: Receiver = {
    url: "", port: options.port ?? 0, events: [], calls: [], badSignatures: 0,
    failNext(n) { failures = n; },
    rejectIf(pick) { reject = pick; },
    async until(check, ms = 30_000) {
      const end = Date.now() + ms;
      while (!check(receiver.events)) {
        if (Date.now() > end) throw new Error(`Timed out waiting for webhook events; got ${JSON.stringify(receiver.events.map((e) => [e.name, e.channel]))}`);
        await Bun.sleep(20);
      }
      return receiver.events;
    },
    async stop() {
      await server?.stop(true);
      server = null;
    },
    start() {
      server = Bun.serve({
        hostname: "127.0.0.1", port: receiver.port,
        async fetch(request) {
          const text = await request.text();
          const headers = Object.fromEntries(request.headers);
          const expected = createHmac("sha256", secret).update(text).digest("hex");
          const signed = options.pusherKey
            ? headers["x-pusher-signature"] === expected && headers["x-pusher-key"] === options.pusherKey
            : headers["x-scx-signature"] === `sha256=${expected}`;
          let status = 200;
          const body = JSON.parse(text);
          if (!signed) { receiver.badSignatures++; status = 401; }
          else if (failures > 0) { failures--; status = 500; }
          else if (reject?.(body)) status = 500;
          receiver.calls.push({ status, body, headers });
          if (status === 200) receiver.events.push(...body.events);
          return new Response(status === 200 ? "ok" : "no", { status });
        },
      });
      receiver.port = server.port!;
      receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
    },
  };
  receiver.start();
  return receiver;
}

/** The events of one name (and channel), after dedupe by id. */
export function named(events: any[], name: string, channel?: string): any[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (e.name !== name || (channel !== undefined && e.channel !== channel)) return false;
    if (e.id !== undefined) {
      if (seen.has(e.id)) return false;
      seen.add(e.id);
    }
    return true;
  });
}
