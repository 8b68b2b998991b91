/**
 * A host's snapshot as the /metrics page (Prometheus text format).
 *
 * @example
 * c.body(renderMetrics(hostStats.snapshot()), 200, { "content-type": metricsContentType });
 */
import { deliveryBuckets } from "./Histogram.ts";
import type { HostSnapshot } from "./HostStats.ts";
import { formatMetrics, histogramSamples, labelled, type MetricFamily } from "./exposition.ts";

/** Help texts of counters other modules add through WorkerCounters.extra, by metric name. */
const extraHelp: Record<string, [label: string, help: string]> = {
  scx_rate_limited_total: ["limit", "Packets refused by a rate limit, by limit"],
  scx_slow_consumer_total: ["action", "Slow consumers handled, by action"],
  scx_connection_limited_total: ["limit", "Handshakes or authentications refused by a connection cap, by cap"],
};

export function renderMetrics(host: HostSnapshot): string {
  const gauge = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: "gauge", samples: [{ value }] });
  const families: MetricFamily[] = [
    { name: "scx_info", help: "scx build and node id", type: "gauge", samples: [{ labels: { node: host.node, version: host.version }, value: 1 }] },
    gauge("scx_connections", "Open WebSocket connections (handshaken) on this host", host.connections),
    gauge("scx_subscriptions", "Channel subscriptions of sockets on this host", host.subscriptions),
    gauge("scx_channels", "Channels with subscribers on this host", host.channels),
    { name: "scx_messages_received_total", help: "Packets received from clients, by type", type: "counter", samples: labelled("type", host.received) },
    { name: "scx_messages_sent_total", help: "Packets sent to clients, by type (publish: one per subscriber reached)", type: "counter", samples: labelled("type", host.sent) },
    {
      name: "scx_publish_delivery_seconds", help: "Time from accepting a publication on this host to writing it to its subscribers' sockets",
      type: "histogram", samples: histogramSamples(host.delivery, deliveryBuckets),
    },
    { name: "scx_thread_restarts_total", help: "Thread restarts after a crash, by role", type: "counter", samples: labelled("role", host.restarts) },
    {
      name: "scx_threads", help: "Threads by role and state", type: "gauge",
      samples: host.threads.reduce<Array<{ labels: Record<string, string>; value: number }>>((samples, thread) => {
        const found = samples.find((s) => s.labels.role === thread.role && s.labels.state === thread.state);
        if (found) found.value++;
        else samples.push({ labels: { role: thread.role, state: thread.state }, value: 1 });
        return samples;
      }, []),
    },
    gauge("scx_engine_up", "1 when every broker's cluster engine is connected", host.engineUp ? 1 : 0),
    gauge("scx_threads_unanswered", "Threads that did not answer this scrape in time (1 s): the sums leave them out", host.unanswered ?? 0),
    { name: "scx_disconnects_total", help: "Sockets closed, by close code", type: "counter", samples: labelled("code", host.disconnects) },
  ];
  if (host.webhooks) families.push(...webhookFamilies(host.webhooks));
  for (const [name, values] of Object.entries(host.extra)) {
    const [label, help] = extraHelp[name] ?? ["type", name];
    families.push({ name, help, type: "counter", samples: labelled(label, values) });
  }
  families.push(
    { name: "scx_thread_heap_bytes", help: "JavaScript heap in use per thread", type: "gauge",
      samples: host.threads.map((t) => ({ labels: { role: t.role, id: String(t.id) }, value: t.heapBytes })) },
    gauge("process_resident_memory_bytes", "Resident memory of the scx process", host.process.rssBytes),
    gauge("process_heap_bytes", "JavaScript heap in use on the main thread", host.process.heapBytes),
    { name: "process_cpu_user_seconds_total", help: "User CPU time of the process", type: "counter", samples: [{ value: host.process.cpuUserSeconds }] },
    { name: "process_cpu_system_seconds_total", help: "System CPU time of the process", type: "counter", samples: [{ value: host.process.cpuSystemSeconds }] },
    { name: "process_cpu_seconds_total", help: "User and system CPU time of the process", type: "counter",
      samples: [{ value: host.process.cpuUserSeconds + host.process.cpuSystemSeconds }] },
    gauge("process_start_time_seconds", "Start time of the process since the Unix epoch", host.startedAt),
  );
  return formatMetrics(families);
}

/** scx_webhook_*: what the brokers' webhook dispatchers sent, failed, retried, dropped and hold. */
function webhookFamilies(w: NonNullable<HostSnapshot["webhooks"]>): MetricFamily[] {
  const counter = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: "counter", samples: [{ value }] });
  return [
    counter("scx_webhook_events_sent_total", "Webhook events delivered (a 2xx answer)", w.sent),
    counter("scx_webhook_requests_failed_total", "Webhook POSTs that failed (non-2xx, timeout or network error); their events are retried", w.failed),
    counter("scx_webhook_events_retried_total", "Webhook events sent again after a failed POST", w.retried),
    { name: "scx_webhook_events_dropped_total", help: "Webhook events given up, by reason (overflow: queue full; expired: retried past retryFor; store: the store failed)", type: "counter", samples: labelled("reason", w.dropped) },
    { name: "scx_webhook_events_queued", help: "Webhook events waiting for delivery", type: "gauge", samples: [{ value: w.queued }] },
  ];
}
