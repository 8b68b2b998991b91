/**
 * The one-host control transport: the only host is this one.
 *
 * @example
 * const transport = new MemoryControl();
 * await transport.start(local);
 * await transport.ask({ op: "stats" }); // [this host's answer]
 */
import type { ClusterControl, LocalAnswer } from "./ClusterControl.ts";
import { newHostId } from "./ClusterControl.ts";
import type { ControlQuery, HostAnswer } from "./ControlPlane.ts";

export class MemoryControl implements ClusterControl {
  readonly hostId: string;
  #local: LocalAnswer | null = null;

  constructor(hostId = newHostId()) {
    this.hostId = hostId;
  }

  async start(local: LocalAnswer): Promise<void> {
    this.#local = local;
  }

  async ask(query: ControlQuery): Promise<HostAnswer[]> {
    if (!this.#local) throw new Error("MemoryControl.ask before start");
    return [await this.#local(query)];
  }

  async close(): Promise<void> {
    this.#local = null;
  }
}
