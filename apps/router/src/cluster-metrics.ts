import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { MetricsSource } from './admin/server.ts';

type Json = MetricObjectWithValues<MetricValue<string>>[];
interface Ask { type: 'slipway:metrics?'; id: string }
interface Answer { type: 'slipway:metrics'; id: string; metrics: Json }

/** Worker side: answers the primary's metrics requests with this worker's registry. */
export function answerMetricsRequests(registry: Registry): void {
  process.on('message', (msg: Ask) => {
    if (msg?.type !== 'slipway:metrics?') return;
    void registry.getMetricsAsJSON().then((metrics) => process.send?.({ type: 'slipway:metrics', id: msg.id, metrics } satisfies Answer));
  });
}

/** Primary side: metrics summed (or min'd, per metric) over all live workers. */
export function clusterMetricsSource(timeoutMs = 2_000): MetricsSource {
  const aggregated = async (): Promise<Registry> => {
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
    const replies = await Promise.all(
      workers.map(
        (w) =>
          new Promise<Json>((resolve) => {
            const id = randomUUID();
            const timer = setTimeout(() => done([]), timeoutMs);
            const onMessage = (msg: Answer): void => {
              if (msg?.type === 'slipway:metrics' && msg.id === id) done(msg.metrics);
            };
            function done(m: Json): void {
              clearTimeout(timer);
              w!.off('message', onMessage);
              resolve(m);
            }
            w!.on('message', onMessage);
            w!.send({ type: 'slipway:metrics?', id } satisfies Ask);
          }),
      ),
    );
    return AggregatorRegistry.aggregate(replies);
  };
  return {
    contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE,
    text: async () => (await aggregated()).metrics(),
    json: async () => (await aggregated()).getMetricsAsJSON(),
  };
}
