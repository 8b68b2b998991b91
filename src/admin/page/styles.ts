/**
 * The admin page's stylesheet (served inline, so the page is one request plus its
 * script): a light, dense operator's dashboard that reflows to one column on a phone,
 * and the few uPlot rules the chart needs (from uPlot's own uPlot.min.css, MIT).
 *
 * @example
 * `<style>${adminStyles}</style>`
 */
export const adminStyles = `
:root { --bg:#f4f6fb; --card:#fff; --ink:#172033; --muted:#66708a; --line:#e3e7f0; --brand:#4f46e5; --brand2:#0ea5e9;
  --ok:#16a34a; --warn:#d97706; --bad:#dc2626; --radius:12px; color-scheme: light; }
* { box-sizing: border-box; }
html, body { margin:0; background:var(--bg); color:var(--ink); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
a { color:var(--brand); }
header { display:flex; align-items:center; gap:16px; padding:12px 24px;
  background:#111827; color:#fff; box-shadow:0 1px 0 rgba(0,0,0,.2); }
header .logo { font-weight:700; letter-spacing:.3px; font-size:16px; display:flex; align-items:center; gap:8px; }
header .logo b { background:linear-gradient(135deg,var(--brand),var(--brand2)); border-radius:7px; padding:2px 7px; font-size:13px; }
header .status { margin-left:auto; display:flex; align-items:center; gap:8px; color:#cbd5e1; font-size:13px; }
header button { background:transparent; color:#cbd5e1; border:1px solid #374151; }
.dot { width:9px; height:9px; border-radius:50%; background:var(--bad); display:inline-block; }
.dot.live { background:var(--ok); box-shadow:0 0 0 3px rgba(22,163,74,.25); }
main { max-width:1400px; margin:0 auto; padding:20px 24px 48px; display:grid; gap:16px;
  grid-template-columns:repeat(12,minmax(0,1fr)); }
.card { background:var(--card); border:1px solid var(--line); border-radius:var(--radius); padding:16px 18px;
  box-shadow:0 1px 2px rgba(16,24,40,.04); min-width:0; }
.card h2 { margin:0 0 12px; font-size:13px; font-weight:600; color:var(--muted); text-transform:uppercase; letter-spacing:.6px;
  display:flex; align-items:center; gap:8px; }
.card h2 .aside { margin-left:auto; text-transform:none; letter-spacing:0; font-weight:400; }
.span-12 { grid-column:span 12; } .span-8 { grid-column:span 8; } .span-6 { grid-column:span 6; } .span-4 { grid-column:span 4; }
.kpis { grid-column:span 12; display:grid; gap:16px; grid-template-columns:repeat(6,minmax(0,1fr)); }
.kpi .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.6px; }
.kpi .value { font-size:28px; font-weight:650; margin-top:4px; font-variant-numeric:tabular-nums; }
.kpi .sub { color:var(--muted); font-size:12px; }
table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
th { text-align:left; font-weight:600; color:var(--muted); font-size:12px; padding:6px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
td { padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:middle; }
tr:last-child td { border-bottom:0; }
td.num, th.num { text-align:right; }
.scroll { overflow-x:auto; }
.mono { font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12.5px; }
.pill { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; }
.pill.running { background:#dcfce7; color:#166534; } .pill.starting { background:#fef3c7; color:#92400e; } .pill.down { background:#fee2e2; color:#991b1b; }
.tag { display:inline-block; background:#eef2ff; color:#3730a3; border-radius:6px; padding:0 6px; margin:1px 2px; font-size:12px; }
.muted { color:var(--muted); }
input, textarea, select { font:inherit; color:inherit; border:1px solid var(--line); border-radius:8px; padding:8px 10px; background:#fff; width:100%; }
input:focus, textarea:focus { outline:2px solid rgba(79,70,229,.25); border-color:var(--brand); }
textarea { min-height:84px; resize:vertical; font-family:ui-monospace,SFMono-Regular,Menlo,monospace; font-size:12.5px; }
button { font:inherit; border:0; border-radius:8px; padding:8px 14px; background:var(--brand); color:#fff; cursor:pointer; font-weight:600; white-space:nowrap; }
button:hover { filter:brightness(1.08); }
button.danger { background:#fff; color:var(--bad); border:1px solid #fecaca; padding:4px 10px; font-size:12px; }
button.danger:hover { background:#fef2f2; }
.row { display:flex; gap:8px; align-items:center; }
.stack { display:grid; gap:8px; }
.note { font-size:12.5px; min-height:18px; }
.note.ok { color:var(--ok); } .note.bad { color:var(--bad); }
.hosts { display:grid; gap:12px; }
.host-head { display:flex; flex-wrap:wrap; gap:6px 16px; align-items:baseline; margin-bottom:6px; }
.host-head strong { font-size:15px; }
.feed { list-style:none; margin:0; padding:0; max-height:280px; overflow:auto; }
.feed li { display:flex; gap:10px; padding:6px 2px; border-bottom:1px solid var(--line); }
.feed time { color:var(--muted); font-size:12px; white-space:nowrap; font-variant-numeric:tabular-nums; }
.feed .data { word-break:break-word; }
.empty { color:var(--muted); padding:12px 0; text-align:center; }
.legend { display:flex; gap:14px; font-size:12px; color:var(--muted); }
.legend i { display:inline-block; width:10px; height:10px; border-radius:3px; margin-right:5px; vertical-align:-1px; }
#chart { width:100%; height:220px; }
.login { min-height:100vh; display:grid; place-items:center; padding:24px; background:linear-gradient(160deg,#111827,#1e1b4b); }
.login form { width:min(380px,100%); background:#fff; border-radius:16px; padding:28px; box-shadow:0 20px 50px rgba(0,0,0,.35); display:grid; gap:14px; }
.login h1 { margin:0; font-size:20px; } .login p { margin:0; color:var(--muted); }
.login .error { color:var(--bad); font-weight:600; }
@media (max-width: 1000px) { .span-8, .span-6, .span-4 { grid-column:span 12; } .kpis { grid-template-columns:repeat(3,minmax(0,1fr)); } }
@media (max-width: 560px) { main { padding:12px; gap:12px; } header { padding:10px 12px; } .kpis { grid-template-columns:repeat(2,minmax(0,1fr)); gap:12px; }
  .kpi .value { font-size:22px; } .hide-sm { display:none; } }
.uplot, .uplot *, .uplot *::before, .uplot *::after { box-sizing:border-box; }
.uplot { width:min-content; } .u-wrap { position:relative; user-select:none; } .u-over, .u-under { position:absolute; }
.u-under { overflow:hidden; } .uplot canvas { display:block; position:relative; width:100%; height:100%; } .u-axis { position:absolute; }
.u-select { background:rgba(0,0,0,.07); position:absolute; pointer-events:none; }
.u-cursor-x, .u-cursor-y { position:absolute; left:0; top:0; pointer-events:none; will-change:transform; }
.u-hz .u-cursor-x, .u-vt .u-cursor-y { height:100%; border-right:1px dashed #607D8B; }
.u-hz .u-cursor-y, .u-vt .u-cursor-x { width:100%; border-bottom:1px dashed #607D8B; }
.u-cursor-pt { position:absolute; top:0; left:0; border-radius:50%; border:0 solid; pointer-events:none; will-change:transform; background-clip:padding-box !important; }
.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off { display:none; }
`;
