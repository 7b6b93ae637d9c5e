import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Gauge, type Registry } from 'prom-client';

/**
 * Issue 16 §5: the NATS round trip (a PING the server answers) and the JetStream API's (an account
 * info request) as gauges, measured when the metrics are scraped, so they cost nothing in between.
 * A measurement that fails (the connection is down) reads NaN for that scrape, never a stale value.
 */
export function registerNatsMetrics(registry: Registry, nc: NatsConnection): void {
  const jsm = jetstreamManager(nc);
  new Gauge({
    name: 'pdi_nats_rtt_seconds',
    help: 'NATS round trip to the server, measured at scrape time',
    registers: [registry],
    async collect() {
      try {
        this.set((await nc.rtt()) / 1000);
      } catch {
        this.set(Number.NaN);
      }
    },
  });
  new Gauge({
    name: 'pdi_jetstream_api_seconds',
    help: 'A JetStream API round trip (account info), measured at scrape time',
    registers: [registry],
    async collect() {
      const started = performance.now();
      try {
        await (await jsm).getAccountInfo();
        this.set((performance.now() - started) / 1000);
      } catch {
        this.set(Number.NaN);
      }
    },
  });
}
