import { createServer, type Server } from 'node:http';
import { HttpLimits } from '../../config/schema.js';
import type { HttpEdgeOptions, ProtocolHandler } from './http-edge.js';
import { createNodeListener, type NodeListenerOptions } from './node-listener.js';

/**
 * A ready Node HTTP server around a protocol handler (the listener of `nodeListener`): it reads
 * the body itself (within the limit) and writes the handler's answer, without building Fetch-API
 * objects on the way (the Fetch-API handler, `createFetchHandler`, is for embedding in other servers).
 * Issue 10 §4 (bounded resources): slow headers and slow requests (a trickled body) are
 * cut with 408 at their limits, idle keep-alive connections are closed, and connections
 * beyond `maxConnections` are refused.
 */
export function startNodeServer(
  handle: ProtocolHandler,
  options: HttpEdgeOptions & NodeListenerOptions & { port: number; host?: string; limits?: HttpLimits },
): Promise<Server> {
  const limits = options.limits ?? HttpLimits.parse({});
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default): check often enough to cut near the limit.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    createNodeListener(handle, options),
  );
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}
