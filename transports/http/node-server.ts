import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HttpLimits } from '../../config/schema.js';
import { jsonResponse, type ProtocolResponse } from '../../protocol/messages.js';
import {
  BodyTooLarge,
  publicRequestUrl,
  unreadableBody,
  type HttpEdgeOptions,
  type ProtocolHandler,
} from './http-edge.js';

const UNREADABLE = jsonResponse(400, { error: 'invalid_request', error_description: 'the request could not be read' });

/** The body as text, refusing more than `limit` bytes without buffering them (seed rule: size limit on bodies). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? '0') > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else reject(new BodyTooLarge());
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

function send(res: ServerResponse, response: ProtocolResponse): void {
  const body = Buffer.from(response.body, 'utf8');
  res.writeHead(response.status, { ...response.headers, 'Content-Length': body.length });
  res.end(body);
}

/**
 * A ready Node HTTP server around a protocol handler: it reads the body itself (within
 * the limit) and writes the handler's answer, without building Fetch-API objects on the
 * way (the Fetch-API handler, `createFetchHandler`, is for embedding in other servers).
 * Issue 10 §4 (bounded resources): slow headers and slow requests (a trickled body) are
 * cut with 408 at their limits, idle keep-alive connections are closed, and connections
 * beyond `maxConnections` are refused.
 */
export function startNodeServer(
  handle: ProtocolHandler,
  options: HttpEdgeOptions & { port: number; host?: string; limits?: HttpLimits },
): Promise<Server> {
  const origin = new URL(options.publicUrl).origin;
  const limits = options.limits ?? HttpLimits.parse({});
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default): check often enough to cut near the limit.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      readBody(req, options.bodyLimitBytes)
        .then(
          (body) =>
            handle({
              method: req.method ?? 'GET',
              url: publicRequestUrl(req.url ?? '/', origin),
              headers: headersOf(req),
              body,
              ...(req.socket.remoteAddress !== undefined && { remoteAddress: req.socket.remoteAddress }),
            }),
          (error: unknown) => {
            // The rest of an oversized body is not read: close the connection after answering.
            res.setHeader('Connection', 'close');
            return unreadableBody(error, options.bodyLimitBytes);
          },
        )
        .catch(() => UNREADABLE)
        .then((response) => send(res, response));
    },
  );
  server.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve(server));
  });
}
