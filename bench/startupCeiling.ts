/**
 * The ceiling server (ceilingServer.ts) on a port named by PORT, for the start-up bench:
 * compiled with `bun build --compile` like dist/scx, then timed from exec to its first
 * handshake answer. Only the port differs from the ceiling the other scenarios use.
 */
const serve = Bun.serve;
(Bun as { serve: typeof Bun.serve }).serve = ((options: Parameters<typeof Bun.serve>[0]) =>
  serve({ ...options, port: Number(process.env.PORT ?? 0) } as Parameters<typeof Bun.serve>[0])) as typeof Bun.serve;
await import("./ceilingServer.ts");
