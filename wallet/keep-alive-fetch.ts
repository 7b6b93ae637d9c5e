import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** What the reference wallet needs of an HTTP response; the global `fetch`'s Response is one. */
export interface WalletResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What the reference wallet needs of HTTP; the global `fetch` is one. */
export type WalletFetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<WalletResponse>;

function answerOf(response: IncomingMessage, body: string): WalletResponse {
  return {
    status: response.statusCode ?? 0,
    headers: {
      get: (name) => {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => body,
  };
}

/**
 * A `WalletFetch` on node:http(s) with keep-alive connections and no Fetch-API objects, for
 * wallets that make many requests (the load generator): in Node 20 a Fetch `Response` per
 * request doubles the client's CPU per request, which matters when the wallets share the
 * cores with the server they measure.
 */
export function keepAliveFetch(options: { maxSockets?: number } = {}): WalletFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);
  return (input, init = {}) =>
    new Promise<WalletResponse>((resolve, reject) => {
      const url = new URL(input);
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body));
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const target = { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
      const request = send(
        { ...target, method: init.method ?? 'GET', headers, agent: secure ? https : http },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.once('error', reject);
          response.once('end', () => resolve(answerOf(response, Buffer.concat(chunks).toString('utf8'))));
        },
      );
      request.once('error', reject);
      request.end(init.body);
    });
}
