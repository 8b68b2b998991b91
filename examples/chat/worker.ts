/**
 * The chat example's worker script, loaded in every socket worker thread.
 *
 * - `join` signs the user in with `setAuthToken`: the name lives in the verified token,
 *   so a reconnect or a reload is still signed in (the client keeps the token).
 * - A `publishIn` middleware refuses anonymous messages and stamps each one with an `id`,
 *   the sender (from the token, never from the client) and the time.
 * - `chat` is a history channel (see scx.yaml): `lobby` answers the last messages from the
 *   broker's store, the same on every worker. The page shows each message id once, so a
 *   message that arrives live and again in the history is not doubled.
 * - Who is online: each worker knows only its own sockets, so each publishes a snapshot of
 *   its signed-in names on `presence` (`{ key, seq, names }`) when they change and every
 *   10 s; pages and workers keep the latest snapshot per worker and drop one not refreshed
 *   for 25 s (a worker that died). A new worker says `hello` and the others answer with
 *   their snapshots, so `lobby` is complete on every worker.
 */
import type { WorkerApi } from "../../src/index.ts";

interface ChatMessage { id: string; from: string; text: string; at: string }
interface Snapshot { key: string; seq: number; names: string[]; hello?: boolean }

const refreshEvery = 10_000;
const staleAfter = 25_000;

export default (scx: WorkerApi) => {
  const key = `${scx.workerId}-${crypto.randomUUID().slice(0, 8)}`;
  const local = new Map<string, string>();                        // socket id → name, this worker's sockets
  const snapshots = new Map<string, Snapshot & { seen: number }>(); // worker key → its latest snapshot
  let seq = 0;
  let queued = false;

  const announce = (hello = false) => {
    const names = [...new Set(local.values())].sort();
    snapshots.set(key, { key, seq: ++seq, names, seen: Date.now() });
    void scx.exchange.publish("presence", { key, seq, names, ...(hello ? { hello } : {}) } satisfies Snapshot);
  };
  const changed = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; announce(); });
  };
  const online = () => {
    for (const [worker, snapshot] of snapshots) if (Date.now() - snapshot.seen > staleAfter && worker !== key) snapshots.delete(worker);
    return [...snapshots.values()].map(({ key, seq, names }) => ({ key, seq, names }));
  };

  void scx.exchange.subscribe("presence").then((channel) => {
    channel.watch((data) => {
      const snapshot = data as Snapshot;
      const known = snapshots.get(snapshot.key);
      if (!known || snapshot.seq > known.seq) snapshots.set(snapshot.key, { ...snapshot, seen: Date.now() });
      if (snapshot.hello && snapshot.key !== key) announce();
    });
    announce(true);
    const timer = setInterval(announce, refreshEvery) as { unref?: () => void };
    timer.unref?.();
  });

  scx.on("authentication", (socket) => {
    const name = socket.authToken?.sub;
    if (typeof name === "string" && local.get(socket.id) !== name) (local.set(socket.id, name), changed());
  });
  scx.on("deauthentication", (socket) => void (local.delete(socket.id) && changed()));
  scx.on("disconnection", (socket) => void (local.delete(socket.id) && changed()));

  scx.procedure("join", async (data: { name?: unknown }, socket) => {
    const name = typeof data?.name === "string" ? data.name.trim().replace(/\s+/g, " ") : "";
    if (name.length < 1 || name.length > 32) throw scx.error("InvalidNameError", "Pick a name of 1 to 32 characters");
    await socket.setAuthToken({ sub: name }, { expiresIn: "7d" });
    return { name };
  });

  // What a page needs on every (re)connect, signed in or not: recent messages and who is online.
  scx.procedure("lobby", async () => {
    const { publications } = await scx.exchange.history("chat", { limit: 50 });
    return { history: publications.map((publication) => publication.data as ChatMessage), online: online() };
  });

  // Only signed-in users may speak; the server, not the client, decides who "from" is.
  scx.middleware("inbound", (action) => {
    if (action.type !== "publishIn") return;
    if (action.channel === "presence") throw scx.error("ForbiddenError", "Only the server says who is online");
    if (action.channel !== "chat") return;
    const from = action.socket.authToken?.sub;
    if (typeof from !== "string") throw scx.error("AuthError", "Join the chat before writing");
    const text = String((action.data as { text?: unknown })?.text ?? "").trim().slice(0, 500);
    if (!text) throw scx.error("EmptyMessageError", "Write something first");
    action.data = { id: crypto.randomUUID(), from, text, at: new Date().toISOString() } satisfies ChatMessage;
  });
};
