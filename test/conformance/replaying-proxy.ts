import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deliberately different target for the model-based fuzzing's own test: a real HTTP proxy in
 * front of our issuer that answers a replayed token request (a code already redeemed) with the
 * first success again, as an issuer that does not enforce single use would (RFC 6749 §4.1.2).
 */
export interface ReplayingProxy {
  url: string;
  /** Where requests are forwarded, set once the issuer behind it listens. */
  upstream: string;
  close(): Promise<void>;
}

export async function startReplayingProxy(): Promise<ReplayingProxy> {
  const firstSuccess = new Map<string, { status: number; body: string }>();
  const proxy: ReplayingProxy = { url: '', upstream: '', close: async () => undefined };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name, value]) => typeof value === 'string' && name !== 'host'),
    ) as Record<string, string>;
    const answer = await fetch(`${proxy.upstream}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body && { body }),
    });
    let status = answer.status;
    let text = await answer.text();
    const code = req.url === '/token' ? new URLSearchParams(body).get('code') : null;
    if (code && status === 200) firstSuccess.set(code, { status, body: text });
    else if (code && firstSuccess.has(code)) ({ status, body: text } = firstSuccess.get(code)!);
    res.writeHead(status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
