/// <reference lib="dom" />
/**
 * The admin dashboard in the browser: signs its own scx WebSocket in with the token the
 * page was served with, listens to every host's stats on the admin channel (one report
 * per host per second), and drives the connection list, publish form and live channel.
 * Bundled with the scx client and uPlot into /admin/app.js.
 *
 * @example
 * <script type="module" src="/admin/app.js"></script>
 */
import { create } from "../../client/index.ts";
import type { Channel } from "../../client/index.ts";
import type { HostSnapshot } from "../../metrics/HostStats.ts";
import { deliveryBuckets } from "../../metrics/Histogram.ts";
import { rateChart } from "./chart.ts";
import { describeData, el, fill, formatBytes, formatCount, formatRate, formatSeconds, formatUptime, quantile } from "./format.ts";

const body = document.body.dataset;
const $ = (id: string) => document.getElementById(id)!;
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

const socket = create({
  hostname: location.hostname, port: Number(body.wsPort), path: body.wsPath, secure: body.secure === "true",
  autoSubscribeOnConnect: false,
});

interface HostView { snap: HostSnapshot; prev: HostSnapshot | null; seen: number; inRate: number; outRate: number; pubRates: Map<string, number> }
const hosts = new Map<string, HostView>();
const chart = rateChart($("chart"));
let watched: Channel | null = null;

function setLive(live: boolean, text: string): void {
  $("live-dot").classList.toggle("live", live);
  $("live-text").textContent = text;
}

socket.on("connect", async () => {
  try {
    await socket.invoke("scx.admin.signIn", { token: body.token });
    socket.processPendingSubscriptions();
    setLive(true, "Live");
    void refreshConnections();
  } catch {
    setLive(false, "Sign-in expired: reload the page");
  }
});
socket.on("close", () => setLive(false, "Reconnecting…"));

socket.subscribe<HostSnapshot>("scx.admin/stats").watch((snap) => {
  const now = performance.now();
  const view = hosts.get(snap.node);
  if (!view) {
    hosts.set(snap.node, { snap, prev: null, seen: now, inRate: 0, outRate: 0, pubRates: new Map() });
    return render();
  }
  const dt = (now - view.seen) / 1000;
  view.prev = view.snap;
  view.snap = snap;
  view.seen = now;
  if (dt > 0) {
    view.inRate = Math.max(0, (sum(snap.received) - sum(view.prev.received)) / dt);
    view.outRate = Math.max(0, (sum(snap.sent) - sum(view.prev.sent)) / dt);
    const before = new Map(view.prev.top.map((c) => [c.channel, c.publications]));
    view.pubRates = new Map(snap.top.map((c) => [c.channel, Math.max(0, (c.publications - (before.get(c.channel) ?? c.publications)) / dt)]));
  }
  render();
});

setInterval(() => {
  const now = performance.now();
  for (const [node, view] of hosts) if (now - view.seen > 5000) hosts.delete(node);
  let inbound = 0, outbound = 0;
  for (const view of hosts.values()) { inbound += view.inRate; outbound += view.outRate; }
  chart.push(Date.now() / 1000, inbound, outbound);
}, 1000);

function render(): void {
  const views = [...hosts.values()];
  const total = (pick: (s: HostSnapshot) => number) => views.reduce((n, v) => n + pick(v.snap), 0);
  $("kpi-connections").textContent = formatCount(total((s) => s.connections));
  $("kpi-hosts").textContent = `${views.length} host${views.length === 1 ? "" : "s"}`;
  $("kpi-subscriptions").textContent = formatCount(total((s) => s.subscriptions));
  $("kpi-channels").textContent = formatCount(total((s) => s.channels));
  $("kpi-in").textContent = formatRate(views.reduce((n, v) => n + v.inRate, 0));
  $("kpi-out").textContent = formatRate(views.reduce((n, v) => n + v.outRate, 0));
  const counts = deliveryBuckets.map((_, i) => views.reduce((n, v) => n + (v.snap.delivery.counts[i] ?? 0) - (v.prev?.delivery.counts[i] ?? 0), 0));
  const recent = counts.some((n) => n > 0);
  const histogram = recent ? counts : deliveryBuckets.map((_, i) => views.reduce((n, v) => n + (v.snap.delivery.counts[i] ?? 0), 0));
  const p50 = quantile(histogram, deliveryBuckets, 0.5);
  // Buckets give upper bounds: the figures are "at most".
  $("kpi-p50").textContent = formatSeconds(p50);
  const p99 = quantile(histogram, deliveryBuckets, 0.99);
  $("kpi-p99").textContent = p99 === null ? "no publications yet" : `at most · p99 ${formatSeconds(p99)}${recent ? "" : " · since start"}`;
  renderChannels(views);
  renderHosts(views);
}

function renderChannels(views: HostView[]): void {
  const merged = new Map<string, { subscribers: number; rate: number }>();
  for (const view of views) {
    for (const load of view.snap.top) {
      const entry = merged.get(load.channel) ?? { subscribers: 0, rate: 0 };
      entry.subscribers += load.subscribers;
      entry.rate += view.pubRates.get(load.channel) ?? 0;
      merged.set(load.channel, entry);
    }
  }
  const rows = [...merged].filter(([name]) => !name.startsWith("scx.admin/"))
    .sort((a, b) => b[1].rate - a[1].rate || b[1].subscribers - a[1].subscribers).slice(0, 8)
    .map(([name, load]) => el("tr", {}, el("td", { class: "mono" }, name), el("td", { class: "num" }, formatCount(load.subscribers)),
      el("td", { class: "num" }, formatRate(load.rate))));
  fill($("channels"), rows.length ? rows : [el("tr", {}, el("td", { colspan: "3", class: "empty" }, "No channels with subscribers"))]);
}

function threadRow(t: HostSnapshot["threads"][number]): HTMLElement {
  return el("tr", {}, el("td", {}, `${t.role} ${t.id}`), el("td", {}, el("span", { class: `pill ${t.state}` }, t.state)),
    el("td", { class: "num" }, String(t.restarts)), el("td", { class: "num" }, formatBytes(t.heapBytes)));
}

function hostCard(snap: HostSnapshot): HTMLElement {
  const head = el("div", { class: "host-head" }, el("strong", { class: "mono" }, snap.node), el("span", { class: "muted" }, `v${snap.version}`),
    el("span", {}, `up ${formatUptime(snap.uptime)}`), el("span", {}, `${formatCount(snap.connections)} connection${snap.connections === 1 ? "" : "s"}`),
    el("span", {}, `memory ${formatBytes(snap.process.rssBytes)}`),
    el("span", { class: `pill ${snap.engineUp ? "running" : "down"}` }, snap.engineUp ? "engine up" : "engine down"));
  const thead = el("thead", {}, el("tr", {}, el("th", {}, "Thread"), el("th", {}, "State"), el("th", { class: "num" }, "Restarts"), el("th", { class: "num" }, "Heap")));
  return el("div", {}, head, el("div", { class: "scroll" }, el("table", {}, thead, el("tbody", {}, ...snap.threads.map(threadRow)))));
}

function renderHosts(views: HostView[]): void {
  fill($("hosts"), views.sort((a, b) => a.snap.node.localeCompare(b.snap.node)).map(({ snap }) => hostCard(snap)));
}

interface ConnectionRow { client: string; user: string | null; remoteAddress: string; channels: string[]; worker: number; host?: string }
let searchTimer: ReturnType<typeof setTimeout> | null = null;
let inFlight = false;

async function refreshConnections(): Promise<void> {
  if (inFlight || socket.state !== "open") return;
  inFlight = true;
  try {
    const query = ($("conn-search") as HTMLInputElement).value;
    const { total, rows } = await socket.invoke<{ total: number; rows: ConnectionRow[] }>("scx.admin.connections", { query, limit: 200 });
    // The page's own socket is left out of the list.
    const others = rows.filter((row) => row.client !== socket.id);
    const shown = total - (rows.length - others.length);
    $("conn-count").textContent = `${formatCount(shown)} ${shown === 1 ? "connection" : "connections"}${total >= 200 ? " (first 200)" : ""}`;
    const trs = others.map((row) => {
      const button = el("button", { class: "danger", type: "button", "data-client": row.client }, "Disconnect");
      button.addEventListener("click", async () => {
        button.textContent = "…";
        await socket.invoke("scx.admin.disconnect", { client: row.client }).catch(() => {});
        void refreshConnections();
      });
      return el("tr", { "data-client": row.client },
        el("td", {}, row.user ?? el("span", { class: "muted" }, "anonymous")), el("td", { class: "mono" }, row.client),
        el("td", {}, ...(row.channels.length ? row.channels.slice(0, 6).map((ch) => el("span", { class: "tag" }, ch)) : [el("span", { class: "muted" }, "none")]),
          row.channels.length > 6 ? el("span", { class: "muted" }, ` +${row.channels.length - 6}`) : null),
        el("td", { class: "mono hide-sm" }, `${row.host ?? ""} · ${row.worker}`), el("td", { class: "mono hide-sm" }, row.remoteAddress), el("td", { class: "num" }, button));
    });
    fill($("connections"), trs.length ? trs : [el("tr", {}, el("td", { colspan: "6", class: "empty" }, query ? "No connection matches" : "No other connections"))]);
  } catch {
    // The next round tries again.
  } finally {
    inFlight = false;
  }
}
setInterval(() => void refreshConnections(), 2000);
$("conn-search").addEventListener("input", () => {
  if (searchTimer) clearTimeout(searchTimer);
  searchTimer = setTimeout(() => void refreshConnections(), 200);
});

$("publish").addEventListener("submit", async (event) => {
  event.preventDefault();
  const channel = ($("pub-channel") as HTMLInputElement).value.trim();
  const text = ($("pub-data") as HTMLTextAreaElement).value;
  let data: unknown = text;
  try { data = JSON.parse(text); } catch { /* plain text */ }
  const note = $("pub-note");
  try {
    const position = await socket.invoke<{ offset?: number }>("scx.admin.publish", { channel, data });
    note.className = "note ok";
    note.textContent = position?.offset !== undefined ? `Published at offset ${position.offset}` : `Published to ${channel}`;
  } catch (error) {
    note.className = "note bad";
    note.textContent = (error as Error).message;
  }
});

$("watch").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = ($("watch-channel") as HTMLInputElement).value.trim();
  if (!name) return;
  watched?.unsubscribe();
  const feed = $("feed");
  fill(feed, [el("li", { class: "empty" }, `Waiting for publications on ${name}…`)]);
  const channel = socket.subscribe(name);
  watched = channel;
  if (socket.state === "open") socket.processPendingSubscriptions();
  channel.on("subscribe", () => { $("watch-state").textContent = `watching ${name}`; });
  channel.on("subscribeFail", (e: { error?: Error }) => { $("watch-state").textContent = `refused: ${e?.error?.message ?? "error"}`; });
  channel.watch((data) => {
    if (watched !== channel) return;
    feed.querySelector(".empty")?.remove();
    feed.prepend(el("li", {}, el("time", {}, new Date().toLocaleTimeString()), el("span", { class: "data mono" }, describeData(data))));
    while (feed.children.length > 100) feed.lastElementChild?.remove();
  });
});
