/**
 * How a host's main thread reaches the other hosts: a transport that sends a query to
 * every live host and collects their answers. memory.ts is the one-host transport,
 * redis.ts the many-host one.
 *
 * @example
 * await transport.start(localAnswer);          // answer queries from other hosts
 * const hosts = await transport.ask(query);    // this host's answer first, then the others'
 */
import type { ControlQuery, HostAnswer } from "./ControlPlane.ts";

/** Answers a query with this host's threads (HostControl.answerLocal). */
export type LocalAnswer = (query: ControlQuery) => Promise<HostAnswer>;

export interface ClusterControl {
  /** This host's id (the same on every answer it gives). */
  readonly hostId: string;
  /** Start answering other hosts' queries with `local`. */
  start(local: LocalAnswer): Promise<void>;
  /** One answer per live host, this host's first; hosts silent for hostAnswerTimeout come back with `error`. */
  ask(query: ControlQuery): Promise<HostAnswer[]>;
  close(): Promise<void>;
}

/**
 * A fresh random host id.
 *
 * @example
 * newHostId(); // "h-3f9a1c2e"
 */
export function newHostId(): string {
  return `h-${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}
