/**
 * A TCP proxy on 127.0.0.1 in front of a server, to cut clients off for real: `cut()`
 * destroys every proxied connection and stops listening (new connects are refused, as
 * with a dropped network or a dead load balancer), `restore()` listens again on the same
 * port, and `target(port)` sends later connections to another server (a load balancer
 * picking another host). Bytes are forwarded as they come, with what the other side
 * cannot take yet kept in order.
 *
 * @example
 * const proxy = await tcpProxy(scx.port);
 * const socket = create({ hostname: "127.0.0.1", port: proxy.port });
 * proxy.cut(); await proxy.restore();
 */
import type { Socket, TCPSocketListener } from "bun";

export interface TcpProxy {
  port: number;
  /** Connections made through the proxy so far. */
  connections(): number;
  cut(): void;
  restore(): Promise<void>;
  /** Send connections made from now on to `port`. */
  target(port: number): void;
  stop(): void;
}

/** `pending`: bytes waiting to be written to this socket; `early`: what a client sent before its upstream was open. */
interface Pipe { peer: Socket<Pipe> | null; pending: Uint8Array[]; early: Uint8Array[] }

function write(socket: Socket<Pipe>, pending: Uint8Array[], data: Uint8Array): void {
  if (pending.length) return void pending.push(data.slice());
  const written = socket.write(data);
  if (written < data.length) pending.push(data.slice(written));
}

export async function tcpProxy(targetPort: number, port = 0): Promise<TcpProxy> {
  const open = new Set<Socket<Pipe>>();
  let listener: TCPSocketListener<Pipe> | null = null;
  let count = 0;
  const flush = (socket: Socket<Pipe>) => {
    const pending = socket.data.pending;
    while (pending.length) {
      const chunk = pending[0]!;
      const written = socket.write(chunk);
      if (written < chunk.length) return void (pending[0] = chunk.slice(written));
      pending.shift();
    }
  };
  const listen = (at: number) => Bun.listen<Pipe>({
    hostname: "127.0.0.1",
    port: at,
    socket: {
      async open(client) {
        count++;
        open.add(client);
        client.data = { peer: null, pending: [], early: [] };
        const upstream = await Bun.connect<Pipe>({
          hostname: "127.0.0.1",
          port: targetPort,
          data: { peer: client, pending: [], early: [] },
          socket: {
            data(up, chunk) { if (up.data.peer) write(up.data.peer, up.data.peer.data.pending, chunk); },
            drain(up) { flush(up); },
            close(up) { up.data.peer?.end(); open.delete(up); },
            error(up) { up.data.peer?.end(); },
          },
        }).catch(() => null);
        if (!upstream) return void client.end();
        open.add(upstream);
        client.data.peer = upstream;
        for (const chunk of client.data.early.splice(0)) write(upstream, upstream.data.pending, chunk);
      },
      data(client, chunk) {
        const upstream = client.data.peer;
        if (upstream) write(upstream, upstream.data.pending, chunk);
        else client.data.early.push(chunk.slice());
      },
      drain(client) { if (client.data.peer) flush(client); },
      close(client) { client.data.peer?.end(); open.delete(client); },
      error(client) { client.data.peer?.end(); },
    },
  });
  listener = listen(port);
  const bound = listener.port;
  return {
    port: bound,
    connections: () => count,
    cut: () => {
      listener?.stop(true);
      listener = null;
      for (const socket of [...open]) socket.terminate();
      open.clear();
    },
    target: (port) => void (targetPort = port),
    restore: async () => {
      if (!listener) listener = listen(bound);
    },
    stop: () => {
      listener?.stop(true);
      listener = null;
      for (const socket of [...open]) socket.terminate();
    },
  };
}
