import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../transports/http/fetch-handler.js';
import { ReferenceWallet, type Answer } from '../../wallet/reference-wallet.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** Issue 10 §4 (bounded resources): session creation is rate limited per client address and per DPoP key. */
describe('session creation rate limits (issue 10 §4)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ rateLimits: { sessionsPerMinutePerAddress: 4, sessionsPerMinutePerKey: 2 } });
  });
  afterAll(() => server.stop());

  const expectTooMany = (answer: Answer) => {
    expect([answer.status, answer.body.error]).toEqual([429, 'temporarily_unavailable']);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    return retryAfter;
  };

  it('issue 10 §4, RFC 6585 §4, RFC 6749 §4.1.2.1: one DPoP key opening more sessions than its limit gets 429 temporarily_unavailable with Retry-After, and may again after it', async () => {
    const wallet = await server.wallet();
    const opened = await wallet.challenge({ scope: 'membership' });
    expect((await wallet.challenge({ scope: 'membership' })).body.error).toBe('insufficient_authorization');
    const retryAfter = expectTooMany(await wallet.challenge({ scope: 'membership' }));
    // A follow-up on an open session is not a new session: it is not limited.
    const followUp = await wallet.challenge({ auth_session: String(opened.body.auth_session) });
    expect(followUp.body.error).toBe('insufficient_authorization');
    server.clock.now += retryAfter * 1000;
    expect((await wallet.challenge({ scope: 'membership' })).body.error).toBe('insufficient_authorization');
    server.clock.now += 60_000;
  });

  it('issue 10 §4: a client address over its limit gets 429 whatever fresh DPoP keys it uses, before any signature is checked', async () => {
    const wallets = await Promise.all(Array.from({ length: 5 }, () => server.wallet()));
    for (const wallet of wallets.slice(0, 4))
      expect((await wallet.challenge({ scope: 'membership' })).body.error).toBe('insufficient_authorization');
    expectTooMany(await wallets[4]!.challenge({ scope: 'membership' }));
    // No DPoP proof at all: still 429, so an address over its limit costs no verification.
    expectTooMany(await wallets[4]!.challenge({ scope: 'membership' }, { dpopKey: null }));
    server.clock.now += 60_000;
    expect((await wallets[4]!.challenge({ scope: 'membership' })).body.error).toBe('insufficient_authorization');
  });

  it('issue 10 §4: an embedder hands the client address to the Fetch-API handler (here from its proxy header), and each address has its own limit', async () => {
    const { config } = server.internals;
    const handler = createFetchHandler(server.issuer.handle, {
      publicUrl: config.publicUrl,
      bodyLimitBytes: config.bodyLimitBytes,
      remoteAddress: (request) => request.headers.get('x-forwarded-for') ?? undefined,
    });
    const from = async (address: string) => {
      const wallet = await server.wallet();
      const embedded = await ReferenceWallet.create({
        ...wallet.options,
        fetch: (input, init) => handler(new Request(input, init)),
      });
      return embedded.challenge({ scope: 'membership' }, { headers: { 'X-Forwarded-For': address } });
    };
    for (let i = 0; i < 4; i++) expect((await from('203.0.113.1')).status).toBe(400);
    expectTooMany(await from('203.0.113.1'));
    expect((await from('203.0.113.2')).body.error).toBe('insufficient_authorization');
  });
});
