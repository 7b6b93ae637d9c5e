import { deflateSync } from 'node:zlib';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BitsPerStatus, createHeaderAndPayload, StatusList } from '@sd-jwt/jwt-status-list';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  StatusListClient,
  type StatusListClientOptions,
  type StatusListFailure,
  StatusListUnavailable,
  statusReferenceOf,
} from '../../adapters/status/status-list-client.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
/** What the test server answers at a path; changed by a test to revoke an entry. */
interface Answer {
  body: string;
  status?: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const answers = new Map<string, Answer>();
const hits = new Map<string, number>();
const accepts: (string | undefined)[] = [];
let server: Server;
let base: string;
let trusted: KeyPair;
let other: KeyPair;
/** The injected clock (epoch ms). It starts at real time, so jose's own `exp` check (on the real clock) agrees. */
let clock: number;
let paths = 0;

beforeAll(async () => {
  [trusted, other] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
  server = createServer(async (req: IncomingMessage, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    accepts.push(req.headers.accept);
    const answer = answers.get(req.url!);
    if (answer?.delayMs) await sleep(answer.delayMs);
    if (!answer) return void res.writeHead(404).end();
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/statuslist+jwt', ...answer.headers });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  clock = Date.now();
});

/** A fresh path on the test server and its full uri. */
function newList(): { path: string; uri: string } {
  const path = `/lists/${++paths}`;
  return { path, uri: `${base}${path}` };
}

/** A Status List Token for `sub`, built with the library and signed with jose (`iat` now unless given). */
async function token(
  sub: string,
  statuses: number[],
  options: { bits?: BitsPerStatus; claims?: Record<string, unknown>; key?: KeyPair } = {},
): Promise<string> {
  const list = new StatusList(statuses, options.bits ?? 2);
  const { header, payload } = createHeaderAndPayload(
    list,
    { sub, iat: Math.floor(clock / 1000), ...options.claims },
    { alg: 'ES256', typ: 'statuslist+jwt' },
  );
  return new SignJWT(payload).setProtectedHeader(header).sign((options.key ?? trusted).privateKey);
}

/** The caller's verify: jose's jwtVerify against the trusted key (the PID issuer's trust). */
const verify: StatusListClientOptions['verify'] = async (jwt) => {
  const { protectedHeader, payload } = await jwtVerify(jwt, trusted.publicKey);
  return { header: protectedHeader, payload };
};
const client = (options: Partial<StatusListClientOptions> = {}) =>
  new StatusListClient({ now: () => clock, verify, ...options });

async function failure(pending: Promise<number>): Promise<StatusListFailure | undefined> {
  try {
    await pending;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StatusListUnavailable);
    return (error as StatusListUnavailable).reason;
  }
}

describe('status list client (draft-ietf-oauth-status-list §8)', () => {
  it('V-20/E-50: a revoked (1) and a suspended (2) entry read as such, a valid one as 0; asked for as statuslist+jwt', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0, 1, 2, 0]) });
    const statuses = client();
    expect(await statuses.statusOf({ uri, idx: 0 })).toBe(0);
    expect(await statuses.statusOf({ uri, idx: 1 })).toBe(1);
    expect(await statuses.statusOf({ uri, idx: 2 })).toBe(2);
    expect(accepts.at(-1)).toBe('application/statuslist+jwt');
  });

  it('V-20/E-50 §5.1: a list signed by another key is refused as signature', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0, 0], { key: other }) });
    expect(await failure(client().statusOf({ uri, idx: 0 }))).toBe('signature');
  });

  it('V-20/E-50: an unreachable list (port refused, or an HTTP error) is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(client().statusOf({ uri: `http://127.0.0.1:${port}/lists/1`, idx: 0 }))).toBe('unreachable');
    expect(await failure(client().statusOf({ uri: `${base}/nowhere`, idx: 0 }))).toBe('unreachable');
  });

  it('§11.4, issue 10 §4: a redirect is not followed', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0]) });
    answers.set('/moved', { body: '', status: 302, headers: { Location: path } });
    expect(await failure(client().statusOf({ uri: `${base}/moved`, idx: 0 }))).toBe('unreachable');
    expect(hits.get(path)).toBeUndefined();
  });

  it('issue 10 §4: a list over the size limit is too-large, announced or streamed', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0]) });
    answers.set('/chunked', { body: 'x'.repeat(5000), headers: { 'Transfer-Encoding': 'chunked' } });
    expect(await failure(client({ maxBytes: 100 }).statusOf({ uri, idx: 0 }))).toBe('too-large');
    expect(await failure(client({ maxBytes: 1000 }).statusOf({ uri: `${base}/chunked`, idx: 0 }))).toBe('too-large');
    expect(await client({ maxBytes: 1000 }).statusOf({ uri, idx: 0 })).toBe(0);
  });

  it('§8.3 step 4a: a list whose sub is another uri is refused as subject', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(`${base}/lists/elsewhere`, [0]) });
    expect(await failure(client().statusOf({ uri, idx: 0 }))).toBe('subject');
  });

  it('§8.3 step 6: an index outside the list is refused as index', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0, 1], { bits: 1 }) }); // one byte: entries 0–7
    const statuses = client();
    expect(await statuses.statusOf({ uri, idx: 7 })).toBe(0);
    expect(await failure(statuses.statusOf({ uri, idx: 8 }))).toBe('index');
  });

  it('§8.3 step 4c: an expired list is refused as expired, and a cached one is not used past its exp', async () => {
    const { path, uri } = newList();
    const exp = Math.floor(clock / 1000) + 60;
    answers.set(path, { body: await token(uri, [1], { claims: { exp, ttl: 3600 } }) });
    const statuses = client();
    expect(await statuses.statusOf({ uri, idx: 0 })).toBe(1);
    clock = (exp + 1) * 1000;
    expect(await failure(statuses.statusOf({ uri, idx: 0 }))).toBe('expired');
    expect(hits.get(path)).toBe(2);
  });

  it('§4.2, §5.1: a wrong typ, bits outside 1, 2, 4, 8, no iat or an lst that does not inflate are malformed', async () => {
    const { path, uri } = newList();
    const iat = Math.floor(clock / 1000);
    const lst = new StatusList([0], 1).compressStatusList();
    const sign = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'ES256', ...header }).sign(trusted.privateKey);
    const typ = 'statuslist+jwt';
    for (const body of [
      await sign({ typ: 'JWT' }, { sub: uri, iat, status_list: { bits: 1, lst } }),
      await sign({ typ }, { sub: uri, iat, status_list: { bits: 3, lst } }),
      await sign({ typ }, { sub: uri, status_list: { bits: 1, lst } }),
      await sign({ typ }, { sub: uri, iat, status_list: { bits: 1, lst: 'AAAA' } }),
      'not a jwt',
    ]) {
      answers.set(path, { body });
      expect(await failure(client().statusOf({ uri, idx: 0 }))).toBe('malformed');
    }
  });

  it('E-50: a signed list that inflates past 16 MiB (a zip bomb) is refused as malformed before it is expanded', async () => {
    const { path, uri } = newList();
    const iat = Math.floor(clock / 1000);
    const bomb = deflateSync(Buffer.alloc(20 * 1024 * 1024)).toString('base64url');
    const body = await new SignJWT({ sub: uri, iat, status_list: { bits: 1, lst: bomb } })
      .setProtectedHeader({ alg: 'ES256', typ: 'statuslist+jwt' })
      .sign(trusted.privateKey);
    expect(body.length).toBeLessThan(1024 * 1024);
    answers.set(path, { body });
    expect(await failure(client().statusOf({ uri, idx: 0 }))).toBe('malformed');
  });

  it('§13.7: calls within ttl make one fetch; after ttl it fetches again and sees the revocation', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0, 0], { claims: { ttl: 300 } }) });
    const statuses = client();
    for (let i = 0; i < 10; i++) expect(await statuses.statusOf({ uri, idx: 1 })).toBe(0);
    answers.set(path, { body: await token(uri, [0, 1], { claims: { ttl: 300 } }) });
    clock += 299_000;
    expect(await statuses.statusOf({ uri, idx: 1 })).toBe(0);
    expect(hits.get(path)).toBe(1);
    clock += 2000;
    expect(await statuses.statusOf({ uri, idx: 1 })).toBe(1);
    expect(hits.get(path)).toBe(2);
  });

  it('§8.2, §11.5: no-store is fetched every time; max-age and maxCacheSeconds shorten the caching', async () => {
    const uncached = newList();
    answers.set(uncached.path, { body: await token(uncached.uri, [0]), headers: { 'Cache-Control': 'no-store' } });
    const statuses = client({ maxCacheSeconds: 60 });
    await statuses.statusOf({ uri: uncached.uri, idx: 0 });
    await statuses.statusOf({ uri: uncached.uri, idx: 0 });
    expect(hits.get(uncached.path)).toBe(2);
    const short = newList();
    answers.set(short.path, { body: await token(short.uri, [0], { claims: { ttl: 3600 } }) });
    answers.set(short.path, { ...answers.get(short.path)!, headers: { 'Cache-Control': 'public, max-age=10' } });
    const bounded = newList();
    answers.set(bounded.path, { body: await token(bounded.uri, [0], { claims: { ttl: 86_400 } }) });
    for (const { uri } of [short, bounded]) await statuses.statusOf({ uri, idx: 0 });
    clock += 11_000;
    for (const { uri } of [short, bounded]) await statuses.statusOf({ uri, idx: 0 });
    expect([hits.get(short.path), hits.get(bounded.path)]).toEqual([2, 1]);
    clock += 50_000;
    await statuses.statusOf({ uri: bounded.uri, idx: 0 });
    expect(hits.get(bounded.path)).toBe(2);
  });

  it('concurrent calls share one fetch; a failure is shared while in flight but not cached', async () => {
    const { path, uri } = newList();
    answers.set(path, { body: await token(uri, [0, 2]), delayMs: 100 });
    const statuses = client();
    const read = await Promise.all(Array.from({ length: 20 }, (_, i) => statuses.statusOf({ uri, idx: i % 2 })));
    expect(read.filter((status) => status === 2)).toHaveLength(10);
    expect(hits.get(path)).toBe(1);
    const failing = newList();
    answers.set(failing.path, { body: '', status: 503, delayMs: 100 });
    const reasons = await Promise.all(
      Array.from({ length: 5 }, () => failure(statuses.statusOf({ uri: failing.uri, idx: 0 }))),
    );
    expect(reasons).toEqual(Array(5).fill('unreachable'));
    expect(hits.get(failing.path)).toBe(1);
    answers.set(failing.path, { body: await token(failing.uri, [1]) });
    expect(await statuses.statusOf({ uri: failing.uri, idx: 0 })).toBe(1);
    expect(hits.get(failing.path)).toBe(2);
  });

  it('the cache holds at most maxCachedLists lists, the oldest evicted', async () => {
    const lists = [newList(), newList(), newList()];
    for (const { path, uri } of lists) answers.set(path, { body: await token(uri, [0]) });
    const statuses = client({ maxCachedLists: 2 });
    for (const { uri } of [...lists, lists[0]!, lists[2]!]) await statuses.statusOf({ uri, idx: 0 });
    expect(lists.map(({ path }) => hits.get(path))).toEqual([2, 1, 1]);
  });

  it('issue 10 §4: a plain-http uri off this machine is refused without fetching', async () => {
    const fetched: string[] = [];
    const spy = (async (input: string | URL | Request) => {
      fetched.push(String(input));
      return new Response('');
    }) as typeof fetch;
    for (const uri of ['http://status.example/lists/1', 'http://10.0.0.1/lists/1', 'file:///etc/passwd'])
      expect(await failure(client({ fetch: spy }).statusOf({ uri, idx: 0 }))).toBe('unreachable');
    expect(fetched).toEqual([]);
  });
});

describe('statusReferenceOf (§6.2)', () => {
  it('reads status.status_list, and is undefined without a status claim', () => {
    const reference = { idx: 3, uri: 'https://pid.example/lists/1' };
    expect(statusReferenceOf({ status: { status_list: reference } })).toEqual(reference);
    expect(statusReferenceOf({ iss: 'https://pid.example' })).toBeUndefined();
  });

  it('throws when status is present but malformed', () => {
    const uri = 'https://pid.example/lists/1';
    for (const status of [
      'revoked',
      {},
      { status_list: null },
      { status_list: { idx: -1, uri } },
      { status_list: { idx: 1.5, uri } },
      { status_list: { idx: '1', uri } },
      { status_list: { idx: 1 } },
      { status_list: { idx: 1, uri: 'not a uri' } },
    ])
      expect(() => statusReferenceOf({ status })).toThrow(/status/);
  });
});
