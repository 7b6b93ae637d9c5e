import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UrlTrustedIssuers } from '../../adapters/trust/trusted-issuers.js';

const ISSUER = 'https://pid.example';
const LIST = JSON.stringify({
  issuers: [{ issuer: ISSUER, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }],
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real HTTP server in the test process, counting the requests per path. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    void handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { base, hits };
}
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const source = (url: string, options: { timeoutMs?: number; maxBytes?: number } = {}) =>
  new UrlTrustedIssuers(url, { maxAgeMs: 60_000, now: () => 0, ...options });

describe('trust list URL source (issue 10 §4)', () => {
  it('issue 10 §4: concurrent presentations share one fetch in flight', async () => {
    const { base, hits } = await serve(async (_, res) => {
      await sleep(100);
      res.end(LIST);
    });
    const trusted = source(`${base}/list.json`);
    const answers = await Promise.all(Array.from({ length: 20 }, () => trusted.keysFor(ISSUER)));
    expect(answers.every((keys) => keys.length === 1)).toBe(true);
    expect(hits.get('/list.json')).toBe(1);
  });

  it('issue 10 §4: a redirect is not followed, and the list then trusts nobody', async () => {
    const { base, hits } = await serve((req, res) => {
      if (req.url === '/moved.json') res.writeHead(302, { Location: '/list.json' }).end();
      else res.end(LIST);
    });
    expect(await source(`${base}/moved.json`).keysFor(ISSUER)).toEqual([]);
    expect(hits.get('/list.json')).toBeUndefined();
  });

  it('issue 10 §4: a list over the size limit is refused, whether announced or streamed without a length', async () => {
    const padded = JSON.stringify({ issuers: JSON.parse(LIST).issuers, padding: 'x'.repeat(100_000) });
    const { base } = await serve((req, res) => {
      if (req.url === '/announced.json') return void res.end(padded);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(padded.slice(0, 50_000));
      setTimeout(() => res.end(padded.slice(50_000)), 20);
    });
    expect(await source(`${base}/announced.json`, { maxBytes: 64 * 1024 }).keysFor(ISSUER)).toEqual([]);
    expect(await source(`${base}/streamed.json`, { maxBytes: 64 * 1024 }).keysFor(ISSUER)).toEqual([]);
    expect(await source(`${base}/announced.json`, { maxBytes: 200_000 }).keysFor(ISSUER)).toHaveLength(1);
  });

  it('issue 10 §4: a slow answer (headers or a trickled body) is given up at the time limit', async () => {
    const { base } = await serve(async (req, res) => {
      if (req.url === '/slow-headers.json') await sleep(3000);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (const char of LIST) {
        if (res.destroyed) return;
        res.write(char);
        if (req.url === '/slow-body.json') await sleep(20);
      }
      res.end();
    });
    for (const path of ['/slow-headers.json', '/slow-body.json']) {
      const started = Date.now();
      expect(await source(`${base}${path}`, { timeoutMs: 300 }).keysFor(ISSUER)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1500);
    }
    expect(await source(`${base}/fast.json`, { timeoutMs: 300 }).keysFor(ISSUER)).toHaveLength(1);
  });

  it('issue 10 §4: a plain-http URL off this machine is refused when configured; https and loopback http are accepted', () => {
    expect(() => source('http://trust.example/list.json')).toThrow(/https/);
    expect(() => source('http://10.0.0.1/list.json')).toThrow(/https/);
    expect(() => source('file:///etc/passwd')).toThrow(/https/);
    for (const url of [
      'https://trust.example/list.json',
      'http://127.0.0.1:8080/l.json',
      'http://localhost/l.json',
      'http://[::1]/l.json',
    ])
      expect(() => source(url)).not.toThrow();
  });
});
