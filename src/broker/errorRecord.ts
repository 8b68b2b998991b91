/**
 * An error as it crosses to a worker in an ack: its own name (a plain `Error` becomes
 * `BrokerError`) and message.
 *
 * @example
 * link.post({ t: "histAck", id, error: errorRecord(error) });
 */
import type { ErrorRecord } from "../threads/messages.ts";
import { ErrorName } from "../protocol/errorNames.ts";

export function errorRecord(error: unknown): ErrorRecord {
  const e = error as { name?: string; message?: string };
  return { name: e?.name && e.name !== "Error" ? e.name : ErrorName.Broker, message: e?.message ?? String(error) };
}
