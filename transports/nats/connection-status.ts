import type { NatsConnection, Status } from '@nats-io/nats-core';
import type { Logger } from '../../protocol/ports.js';

/** What an operator is told of one connection status change (issue 16 §5), or nothing for the routine ones. */
function lineOf(name: string, status: Status): { level: 'info' | 'warn' | 'error'; message: string } | undefined {
  switch (status.type) {
    case 'disconnect':
      return { level: 'warn', message: `${name}: NATS disconnected from ${status.server}` };
    case 'reconnect':
      return { level: 'info', message: `${name}: NATS reconnected to ${status.server}` };
    case 'ldm':
      return { level: 'warn', message: `${name}: NATS server ${status.server} is entering lame duck mode` };
    case 'error':
      return { level: 'error', message: `${name}: NATS server error: ${status.error.message}` };
    case 'staleConnection':
      return { level: 'warn', message: `${name}: NATS connection stale (no pong): reconnecting` };
    case 'slowConsumer':
      return {
        level: 'warn',
        message: `${name}: NATS slow consumer on ${status.sub.getSubject()} (${status.pending} pending)`,
      };
    default:
      return undefined;
  }
}

/**
 * Issue 16 §5: every change of the connection's state an operator acts on (disconnect, reconnect,
 * lame duck mode, server errors, stale connection, slow consumer) as one log line; routine ones
 * (reconnect attempts, pings, cluster updates) are not logged. Runs until the connection closes.
 */
export function logConnectionStatus(nc: NatsConnection, name: string, logger: Logger): Promise<void> {
  return (async () => {
    for await (const status of nc.status()) {
      const line = lineOf(name, status);
      if (line) logger[line.level](line.message, { nats: status.type });
    }
  })();
}
