import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import fc from 'fast-check';
import type { AttackCheck, AttackContext } from '../attack.js';
import { fail } from '../failure.js';

/** The endpoints a wallet posts to, each with the content type it takes. */
const ENDPOINTS = [
  { path: '/authorize-challenge', type: 'application/x-www-form-urlencoded' },
  { path: '/token', type: 'application/x-www-form-urlencoded' },
  { path: '/credential', type: 'application/json' },
  { path: '/nonce', type: 'application/x-www-form-urlencoded' },
] as const;

/** Issue 17 §1, RFC 6749 §5.2: a refusal is a 4xx with an OAuth error body (or RFC 6750's challenge), never a 5xx or a crash. */
async function expectOAuthError(
  { target }: AttackContext,
  request: { path: string; contentType: string; body: string; headers?: Record<string, string> },
): Promise<void> {
  const url = `${target.issuerUrl}${request.path}`;
  const response = await (target.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'Content-Type': request.contentType, ...request.headers },
    body: request.body,
  });
  const text = await response.text();
  const what = `POST ${request.path} (${request.contentType}, ${request.body.length} bytes)`;
  if (response.status >= 500) fail(`${what}: HTTP ${response.status}`);
  if (response.status < 400) return;
  // RFC 6750 §3.1: a request without credentials is answered with the challenge alone, no error code.
  if (response.status === 401 && response.headers.get('www-authenticate')) return;
  let error: unknown;
  try {
    error = (JSON.parse(text) as { error?: unknown }).error;
  } catch {
    fail(`${what}: HTTP ${response.status} without a JSON body`);
  }
  if (typeof error !== 'string') fail(`${what}: HTTP ${response.status} without an OAuth error code`);
}

/**
 * Posts up to `bytes` of body over a socket (TLS for https), a chunk at a time, and stops sending once the
 * target answers: it may answer 413 as soon as the body is over its limit and close (RFC 9110
 * §15.5.14), and a client that kept writing would see only the reset.
 */
function postOversized(url: string, contentType: string, bytes: number): Promise<{ status: number; body: string }> {
  const { host, hostname, port, pathname, protocol } = new URL(url);
  const chunk = 'x'.repeat(32 * 1024);
  return new Promise((resolve) => {
    let received = '';
    const socket =
      protocol === 'https:'
        ? connectTls({ host: hostname, port: Number(port || 443), servername: hostname })
        : connect(Number(port || 80), hostname);
    socket.setEncoding('latin1');
    // No answer within 10 s is no answer (status 0, a failure), not a hung run.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (data: string) => {
      received += data;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, body: received.slice(received.indexOf('\r\n\r\n') + 4) });
    });
    const write = (sent: number): void => {
      if (received || socket.destroyed) return void socket.end();
      if (sent >= bytes) return void socket.end();
      socket.write(chunk, () => setTimeout(() => write(sent + chunk.length), 5));
    };
    socket.write(
      `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes}\r\nConnection: close\r\n\r\n`,
      () => write(0),
    );
  });
}

const bodies = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.constant(''),
  fc.string({ maxLength: 4000 }).map((s) => `${s}=${s}&client_id=${s}`),
);

export const garbage: AttackCheck[] = [
  {
    id: 'garbage.malformed-json',
    requirement: 'OpenID4VCI §8.3.1.2',
    title: 'a credential request that is not JSON is an error JSON, never a 5xx',
    dialects: 'any',
    run: async (context) => {
      const session = await context.flow.untilToken();
      for (const body of ['{', '['.repeat(10_000), '{"proofs":']) {
        await expectOAuthError(context, {
          path: '/credential',
          contentType: 'application/json',
          body,
          headers: { Authorization: `DPoP ${session.accessToken}` },
        });
      }
    },
  },
  {
    id: 'garbage.oversized',
    requirement: 'issue 10 §4',
    title: 'a body of 2 MB is answered with a 4xx error JSON (413), never a 5xx',
    dialects: 'any',
    run: async ({ target }) => {
      for (const { path, type } of ENDPOINTS) {
        const { status, body } = await postOversized(`${target.issuerUrl}${path}`, type, 2 << 20);
        if (status < 400 || status >= 500) fail(`POST ${path} with 2 MB: HTTP ${status}`);
        if (!/"error"\s*:\s*"/.test(body)) fail(`POST ${path} with 2 MB: HTTP ${status} without an OAuth error body`);
      }
    },
  },
  {
    id: 'garbage.content-type',
    requirement: 'RFC 6749 §3.2',
    title: 'a form endpoint sent JSON or text is an error JSON, never a 5xx',
    dialects: 'any',
    run: async (context) => {
      for (const contentType of ['application/json', 'text/plain', 'multipart/form-data; boundary=x'])
        for (const path of ['/authorize-challenge', '/token'])
          await expectOAuthError(context, { path, contentType, body: '{"client_id":"x","scope":"y"}' });
    },
  },
  {
    id: 'garbage.random-bodies',
    requirement: 'RFC 6749 §5.2',
    title: 'random bodies (--runs per endpoint, from --seed) are answered below 500, refusals with an error JSON',
    dialects: 'any',
    run: async (context) => {
      const samples = fc.sample(bodies, { seed: context.seed, numRuns: context.runs });
      for (const { path, type } of ENDPOINTS)
        for (const body of samples) await expectOAuthError(context, { path, contentType: type, body });
    },
  },
];
