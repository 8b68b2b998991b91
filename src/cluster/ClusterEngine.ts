/**
 * The cluster engine seam: carries publications between hosts, and only that. Local
 * delivery stays in the broker; an engine never echoes a host's own publications back
 * to it, so every subscriber gets each publication exactly once.
 *
 * Contract (tests/cluster.contract.ts runs it against every implementation):
 * - `subscribe(ch)` makes later publications on `ch` from other hosts arrive through
 *   `onPublication`; `unsubscribe(ch)` stops them. Both are idempotent.
 * - `publish(ch, frame)` reaches every other host subscribed to `ch`, in publish order;
 *   never the publishing host itself.
 * - While the engine is down, `publish` drops (nothing buffers without bound) and
 *   `state()` says so; on recovery every subscribed channel is subscribed again.
 *
 * @example
 * engine.onPublication((channel, frame) => broker.deliver(channel, frame));
 * engine.subscribe("chat");
 * engine.publish("chat", frame);
 */
export type EngineState = "ready" | "connecting" | "down";

export interface ClusterEngine {
  publish(channel: string, frame: string): void;
  subscribe(channel: string): void;
  unsubscribe(channel: string): void;
  onPublication(handler: (channel: string, frame: string) => void): void;
  onStateChange?(handler: (state: EngineState) => void): void;
  state(): EngineState;
  close(): Promise<void>;
}
