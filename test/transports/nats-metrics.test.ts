import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { startNatsServer } from '../../testing/nats-server.js';
import { registerNatsMetrics } from '../../transports/nats/nats-metrics.js';

const metricValue = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

it('issue 16 §5: the NATS round trip and a JetStream API round trip are in the metrics while the server answers, and NaN once it is gone', async () => {
  const nats = await startNatsServer();
  const nc = await nats.connect('engine', { maxReconnectAttempts: 0 });
  const registry = new Registry();
  registerNatsMetrics(registry, nc);
  try {
    const up = await registry.metrics();
    for (const name of ['pdi_nats_rtt_seconds', 'pdi_jetstream_api_seconds']) {
      // On loopback a round trip may read 0 ms: a finite, small measurement is what is asked for.
      expect(Number.isFinite(metricValue(up, name))).toBe(true);
      expect(metricValue(up, name)).toBeGreaterThanOrEqual(0);
      expect(metricValue(up, name)).toBeLessThan(5);
    }
    await nats.stop();
    const down = await registry.metrics();
    // prom-client spells it "Nan"; Prometheus parses NaN in any case.
    expect(down).toMatch(/^pdi_nats_rtt_seconds nan$/im);
  } finally {
    await nc.close().catch(() => undefined);
  }
});
