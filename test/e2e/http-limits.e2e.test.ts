import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 1000, keepAliveTimeoutMs: 300, maxConnections: 3 };

/** A raw TCP connection to the issuer: what it received and when the server closed it. */
function open(port: number): Promise<{ socket: Socket; closed: Promise<{ data: string; at: number }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
    const closed = new Promise<{ data: string; at: number }>((done) =>
      socket.once('close', () => done({ data, at: Date.now() })),
    );
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GET = 'GET /.well-known/openid-credential-issuer HTTP/1.1\r\nHost: localhost\r\n\r\n';

/** Writes `text` one byte every `everyMs` until the server closes the connection. */
function trickle(socket: Socket, text: string, everyMs: number) {
  let i = 0;
  const timer = setInterval(
    () => (i < text.length && !socket.destroyed ? socket.write(text[i++]!) : clearInterval(timer)),
    everyMs,
  );
  socket.once('close', () => clearInterval(timer));
}

describe('HTTP server limits (issue 10 §4, bounded resources)', () => {
  let server: RunningIssuer;
  let port: number;
  beforeAll(async () => {
    server = await startIssuer({ http: LIMITS });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.stop());

  it('issue 10 §4 (requestTimeout): a body trickled one byte at a time is cut near the request limit with 408', async () => {
    const { socket, closed } = await open(port);
    const started = Date.now();
    socket.write(
      'POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n',
    );
    trickle(socket, 'x'.repeat(100), 100);
    const { data, at } = await closed;
    expect(data).toMatch(/^HTTP\/1\.1 408/);
    expect(at - started).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    expect(at - started).toBeLessThan(LIMITS.requestTimeoutMs + 1000);
  });

  it('issue 10 §4 (headersTimeout): headers sent slowly are cut near the headers limit with 408', async () => {
    const { socket, closed } = await open(port);
    const started = Date.now();
    trickle(
      socket,
      'POST /token HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n',
      50,
    );
    const { data, at } = await closed;
    expect(data).toMatch(/^HTTP\/1\.1 408/);
    expect(at - started).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
    expect(at - started).toBeLessThan(LIMITS.requestTimeoutMs);
  });

  it('issue 10 §4 (keepAliveTimeout): an idle keep-alive connection is closed after the idle limit', async () => {
    const { socket, closed } = await open(port);
    socket.write(GET);
    await sleep(100);
    const answered = Date.now();
    const { data, at } = await closed;
    expect(data).toMatch(/^HTTP\/1\.1 200/);
    expect(at - answered).toBeLessThan(LIMITS.keepAliveTimeoutMs + 1500);
  });

  it('issue 10 §4 (maxConnections): connections beyond the cap are refused, and accepted again once one closes', async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => open(port)));
    await sleep(50);
    const extra = await open(port);
    extra.socket.write(GET);
    const refused = await extra.closed;
    expect(refused.data).toBe('');
    held[0]!.socket.destroy();
    await held[0]!.closed;
    await sleep(50);
    const again = await open(port);
    again.socket.write(GET);
    expect((await again.closed).data).toMatch(/^HTTP\/1\.1 200/);
    for (const connection of held) connection.socket.destroy();
  });
});
