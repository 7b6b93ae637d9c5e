import { expect, it } from 'vitest';
import { startNatsServer } from '../../testing/nats-server.js';
import { logConnectionStatus } from '../../transports/nats/connection-status.js';

it('issue 16 §5: a nats-server restart is logged as one disconnect and one reconnect line, naming the instance', async () => {
  const nats = await startNatsServer();
  const nc = await nats.connect('engine', { reconnectTimeWait: 100, maxReconnectAttempts: -1 });
  const lines: Array<[string, string]> = [];
  const logger = {
    info: (message: string) => void lines.push(['info', message]),
    warn: (message: string) => void lines.push(['warn', message]),
    error: (message: string) => void lines.push(['error', message]),
  };
  const watching = logConnectionStatus(nc, 'engine-test-1', logger);
  try {
    await nats.restart();
    for (let i = 0; i < 100 && !lines.some(([, message]) => message.includes('reconnected')); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.map(([level, message]) => [level, message.replace(/ \S+$/, ' <server>')])).toEqual([
      ['warn', 'engine-test-1: NATS disconnected from <server>'],
      ['info', 'engine-test-1: NATS reconnected to <server>'],
    ]);
  } finally {
    await nc.close();
    await watching;
    await nats.stop();
  }
});
