/**
 * Issue 12 on the wire, frame by frame: #presence, #presenceStats, #join and #leave across
 * two worker threads (and in-process), members set by middleware from verified tokens, a
 * subscriber that never gets its own #join, non-subscribers and middleware refusals, and a
 * worker crash whose members leave at once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "../src/index.ts";
import type { ScxServer } from "../src/server/ScxServer.ts";
import { handshaken, type RawSocket } from "./helpers/rawSocket.ts";

const channels = [
  { match: "room/**", presence: true, joinLeave: true },
  { match: "quiet/*", presence: true },
];
const script = new URL("./fixtures/presence.ts", import.meta.url).pathname;

type Client = RawSocket & { id: string; cid: number; worker: number; events?: any[] };

/** The next packet that is no ping (events set aside while awaiting a reply first), or null after `ms`. */
async function packet(socket: Client, ms = 5000): Promise<any> {
  if (socket.events?.length) return socket.events.shift();
  return socket.nextPacket(ms).catch(() => null);
}

for (const workers of [0, 2]) {
  describe(`presence on the wire (${workers ? "2 worker threads" : "in-process"})`, () => {
    let server: ScxServer;
    let url: string;
    const sockets: RawSocket[] = [];
    let uniq = 0;
    const room = (name = "room") => `${name}/${workers}-${++uniq}`;

    async function invoke(socket: Client, event: string, data: unknown): Promise<any> {
      const cid = ++socket.cid;
      socket.send({ event, data, cid });
      for (;;) {
        const got = await socket.nextPacket(5000).catch(() => null);
        if (got === null) throw new Error(`No reply to ${event}`);
        if (got.rid === cid) return got;
        (socket.events ??= []).push(got);
      }
    }
    async function client(user?: string, name?: string): Promise<Client> {
      const socket = Object.assign(await handshaken(url), { cid: 10, worker: 0 });
      sockets.push(socket);
      if (user) expect((await invoke(socket, "login", { user, name })).data).toBe("ok");
      socket.worker = (await invoke(socket, "whoami", null)).data;
      socket.events = []; // #setAuthToken
      return socket;
    }
    /** Clients until both workers have at least `each` (in-process: just `each * 2`). */
    async function spread(each: number): Promise<Client[][]> {
      const byWorker: Client[][] = [[], []];
      while (byWorker[0]!.length < each || (workers && byWorker[1]!.length < each) || (!workers && byWorker[0]!.length < each * 2)) {
        const socket = await client();
        byWorker[workers ? socket.worker : 0]!.push(socket);
      }
      return workers ? byWorker : [byWorker[0]!.slice(0, each), byWorker[0]!.slice(each)];
    }
    const subscribe = (socket: Client, channel: string) => invoke(socket, "#subscribe", { channel });

    beforeAll(async () => {
      server = createServer({ host: "127.0.0.1", port: 0, logLevel: "silent", channels, workers, worker: script });
      await server.start();
      url = `ws://127.0.0.1:${server.port}/socketcluster/`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.close();
      await server.stop();
    });

    test("#presence lists three members of two users with middleware info; #presenceStats says 3 clients, 2 users; #leave on disconnect", async () => {
      const ch = room();
      // Three clients on two workers: ann's two tabs on different workers, bob beside the first.
      const [first, second] = await spread(2);
      const [ann1, bob, ann2] = [first![0]!, first![1]!, second![0]!];
      for (const [socket, user, name] of [[ann1, "ann", "Ann"], [ann2, "ann", "Ann"], [bob, "bob", "Bob"]] as const) {
        expect((await invoke(socket, "login", { user, name })).data).toBe("ok");
        socket.events = []; // #setAuthToken
      }
      if (workers) expect(new Set([ann1.worker, ann2.worker, bob.worker]).size).toBe(2);
      for (const socket of [ann1, ann2, bob]) expect(await subscribe(socket, ch)).toEqual({ rid: socket.cid });
      // The reply came after the member was registered: a #presence right after lists it.
      const list = await invoke(bob, "#presence", { channel: ch });
      const sorted = [...list.data.members].sort((a: any, b: any) => a.client.localeCompare(b.client));
      expect(sorted).toEqual([
        { client: ann1.id, user: "ann", info: { name: "Ann" } },
        { client: ann2.id, user: "ann", info: { name: "Ann" } },
        { client: bob.id, user: "bob", info: { name: "Bob" } },
      ].sort((a, b) => a.client.localeCompare(b.client)));
      expect(await invoke(ann1, "#presenceStats", { channel: ch })).toEqual({ rid: ann1.cid, data: { clients: 3, users: 2 } });
      // ann1 saw ann2 and bob join (not itself); skip those frames.
      const joins: any[] = [];
      for (let i = 0; i < 2; i++) joins.push(await packet(ann1));
      expect(joins.map((j) => [j.event, j.data.member.client])).toEqual([["#join", ann2.id], ["#join", bob.id]]);
      bob.ws.close();
      for (const socket of [ann1, ann2]) {
        let got = await packet(socket);
        while (got?.event === "#join") got = await packet(socket);
        expect(got).toEqual({ event: "#leave", data: { channel: ch, member: { client: bob.id, user: "bob", info: { name: "Bob" } } } });
      }
      expect((await invoke(ann2, "#presenceStats", { channel: ch })).data).toEqual({ clients: 2, users: 1 });
    });

    test("#join reaches subscribers on every worker, exactly once, never the joiner itself", async () => {
      const ch = room();
      const [first, second] = await spread(1);
      const a = first![0]!;
      const b = second![0]!;
      await subscribe(a, ch);
      const frames = await (async () => { await subscribe(b, ch); return packet(a); })();
      expect(frames).toEqual({ event: "#join", data: { channel: ch, member: { client: b.id, user: null, info: { name: "guest" } } } });
      expect(await packet(b, 300)).toBeNull();
      expect(await packet(a, 300)).toBeNull();
    });

    test("#presence by a socket not subscribed is refused with InvalidActionError; a subscriber is refused by middleware", async () => {
      const a = await client();
      const ch = room();
      const refused = await invoke(a, "#presence", { channel: ch });
      expect(refused.error.name).toBe("InvalidActionError");
      expect(refused.error.message).toContain("not subscribed");
      expect((await invoke(a, "#presenceStats", { channel: ch })).error.name).toBe("InvalidActionError");
      const secret = room("room/secret");
      await subscribe(a, secret);
      const blocked = await invoke(a, "#presence", { channel: secret });
      expect(blocked.error).toEqual({ name: "ForbiddenError", message: "Nobody may see who is in the secret room" });
      // Middleware that allows everything cannot let a non-subscriber in.
      const open = room("room/open");
      expect((await invoke(a, "#presence", { channel: open })).error.name).toBe("InvalidActionError");
      // A channel without presence: the same named error, never NoProcedureError.
      await subscribe(a, "plain-" + uniq);
      expect((await invoke(a, "#presence", { channel: "plain-" + uniq })).error.name).toBe("InvalidActionError");
    });

    test("#presence without joinLeave keeps the list but sends no #join/#leave; #unsubscribe leaves", async () => {
      const ch = room("quiet");
      const a = await client("ann");
      const b = await client("bob");
      await subscribe(a, ch);
      await subscribe(b, ch);
      expect((await invoke(a, "#presenceStats", { channel: ch })).data).toEqual({ clients: 2, users: 2 });
      expect(await packet(a, 300)).toBeNull();
      await invoke(b, "#unsubscribe", ch);
      expect((await invoke(a, "#presence", { channel: ch })).data.members).toEqual([{ client: a.id, user: "ann", info: null }]);
    });

    test("exchange.presence and exchange.presenceStats in a worker script see members of every worker", async () => {
      const ch = room();
      const [first, second] = await spread(1);
      await subscribe(first![0]!, ch);
      await subscribe(second![0]!, ch);
      const members = (await invoke(first![0]!, "presence", ch)).data;
      expect(members.map((m: any) => m.client).sort()).toEqual([first![0]!.id, second![0]!.id].sort());
      expect((await invoke(second![0]!, "presenceStats", ch)).data).toEqual({ clients: 2, users: 0 });
      if (!workers) expect((await server.exchange.presenceStats(ch))).toEqual({ clients: 2, users: 0 });
    });

    if (workers) {
      test("BrokerPresence: a crashed worker's members leave at once, with #leave to the others", async () => {
        const ch = room();
        const [onZero, onOne] = await spread(2);
        const victims = onZero!.slice(0, 2);
        const survivor = onOne![0]!;
        await subscribe(survivor, ch);
        for (const victim of victims) await subscribe(victim, ch);
        for (let i = 0; i < 2; i++) expect((await packet(survivor))?.event).toBe("#join");
        const crashedAt = Date.now();
        await invoke(victims[0]!, "crash", null);
        const left = [await packet(survivor, 10_000), await packet(survivor, 10_000)];
        expect(left.map((p) => p?.event)).toEqual(["#leave", "#leave"]);
        expect(left.map((p) => p.data.member.client).sort()).toEqual(victims.map((v) => v.id).sort());
        expect(Date.now() - crashedAt).toBeLessThan(5000);
        expect((await invoke(survivor, "#presence", { channel: ch })).data.members.map((m: any) => m.client)).toEqual([survivor.id]);
        expect(await server.exchange.presenceStats(ch)).toEqual({ clients: 1, users: 0 });
      });
    }
  });
}
