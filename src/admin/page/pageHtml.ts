/**
 * The admin page's two HTML documents: the sign-in form and the dashboard shell (its
 * script fills it in live). Everything the dashboard needs to connect is in data
 * attributes on <body>; nothing here is user data, and the error text is fixed.
 *
 * @example
 * c.html(signInHtml({ error: true }), 401);
 * c.html(dashboardHtml({ token, wsPort: 8000, wsPath: "/socketcluster/", secure: false }));
 */
import { adminStyles } from "./styles.ts";

const escapeAttr = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

const head = (title: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<link rel="icon" href="data:,"><style>${adminStyles}</style></head>`;

export function signInHtml(options: { error?: boolean } = {}): string {
  return `${head("Sign in · scx admin")}<body class="login"><form method="post" action="/admin/login">
<h1>scx admin</h1><p>Sign in with the admin password from the server's config (<span class="mono">admin.password</span>).</p>
${options.error ? `<div class="error" role="alert">Wrong password. Try again.</div>` : ""}
<label class="stack"><span>Password</span><input type="password" name="password" autocomplete="current-password" autofocus required></label>
<button type="submit">Sign in</button></form></body></html>`;
}

export interface DashboardOptions { token: string; wsPort: number; wsPath: string; secure: boolean }

export function dashboardHtml(options: DashboardOptions): string {
  const data = `data-token="${escapeAttr(options.token)}" data-ws-port="${options.wsPort}" data-ws-path="${escapeAttr(options.wsPath)}" data-secure="${options.secure}"`;
  return `${head("scx admin")}<body ${data}>
<header><div class="logo"><b>scx</b> admin</div><div class="status"><span class="dot" id="live-dot"></span><span id="live-text">Connecting…</span>
<form method="post" action="/admin/logout" style="margin:0"><button type="submit">Sign out</button></form></div></header>
<main>
<section class="kpis">
  <div class="card kpi"><div class="label">Connections</div><div class="value" id="kpi-connections">–</div><div class="sub" id="kpi-hosts">&nbsp;</div></div>
  <div class="card kpi"><div class="label">Subscriptions</div><div class="value" id="kpi-subscriptions">–</div><div class="sub">socket × channel</div></div>
  <div class="card kpi"><div class="label">Channels</div><div class="value" id="kpi-channels">–</div><div class="sub">with subscribers</div></div>
  <div class="card kpi"><div class="label">Messages in / s</div><div class="value" id="kpi-in">–</div><div class="sub">from clients</div></div>
  <div class="card kpi"><div class="label">Messages out / s</div><div class="value" id="kpi-out">–</div><div class="sub">to clients</div></div>
  <div class="card kpi"><div class="label">Delivery p50</div><div class="value" id="kpi-p50">–</div><div class="sub" id="kpi-p99">&nbsp;</div></div>
</section>
<section class="card span-8"><h2>Messages per second<span class="aside legend"><span><i style="background:#4f46e5"></i>in</span><span><i style="background:#0ea5e9"></i>out</span></span></h2><div id="chart"></div></section>
<section class="card span-4"><h2>Busiest channels</h2><div class="scroll"><table><thead><tr><th>Channel</th><th class="num">Subscribers</th><th class="num">Pub/s</th></tr></thead><tbody id="channels"></tbody></table></div></section>
<section class="card span-12"><h2>Hosts and threads</h2><div class="hosts" id="hosts"><div class="empty">Waiting for the first report…</div></div></section>
<section class="card span-12"><h2>Connections<span class="aside muted" id="conn-count"></span></h2>
  <div class="row" style="margin-bottom:10px"><input id="conn-search" type="search" placeholder="Search by user, client id, channel or address"></div>
  <div class="scroll"><table><thead><tr><th>User</th><th>Client id</th><th>Channels</th><th class="hide-sm">Host · worker</th><th class="hide-sm">Address</th><th></th></tr></thead><tbody id="connections"></tbody></table></div></section>
<section class="card span-6"><h2>Publish</h2><form id="publish" class="stack">
  <input id="pub-channel" placeholder="Channel, e.g. chat/general" required>
  <textarea id="pub-data" placeholder='Data: JSON ({"text":"hello"}) or plain text'></textarea>
  <div class="row"><button type="submit">Publish</button><span class="note" id="pub-note"></span></div></form></section>
<section class="card span-6"><h2>Live channel<span class="aside muted" id="watch-state">not watching</span></h2>
  <form id="watch" class="row" style="margin-bottom:10px"><input id="watch-channel" placeholder="Channel to watch" required><button type="submit">Watch</button></form>
  <ul class="feed" id="feed"><li class="empty">Publications on the watched channel appear here.</li></ul></section>
</main><script type="module" src="/admin/app.js"></script></body></html>`;
}
