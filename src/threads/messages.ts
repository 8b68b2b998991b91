/**
 * The messages that cross between socket workers and brokers. A publication carries its
 * already-encoded `#publish` frame, so it is encoded once on the publishing worker and
 * never again, however many workers receive it.
 */
export type WorkerToBroker =
  | { t: "sub"; ch: string }
  | { t: "unsub"; ch: string }
  | { t: "pub"; ch: string; frame: string }
  /** Sent after a broker restart: every channel this worker has local subscribers for. */
  | { t: "resync"; chs: string[] };

export type BrokerToWorker =
  | { t: "subAck"; ch: string }
  /** The broker's cluster engine changed state (for /readyz). */
  | { t: "engine"; state: "ready" | "connecting" | "down" }
  | { t: "pub"; ch: string; frame: string };
