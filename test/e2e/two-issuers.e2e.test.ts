import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';

const digestOf = (pid: string) => createHash('sha256').update(pid.split('~')[0]!, 'ascii').digest('base64url');

// Issue 11 §3: every piece of state is an issuer's own, so two issuers in one process share nothing.
describe('two issuers in one process, with different keys and trust', () => {
  let a: RunningIssuer;
  let b: RunningIssuer;
  beforeAll(async () => {
    // Each trusts only the demo PID provider of its own data directory (the same issuer name, another key).
    [a, b] = await Promise.all([startIssuer(), startIssuer()]);
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  it('sign with their own keys', async () => {
    const jwks = async (server: RunningIssuer) =>
      (await (await fetch(`${server.url}/.well-known/jwt-vc-issuer`)).json()).jwks.keys.map(
        (key: { x: string }) => key.x,
      );
    expect(await jwks(a)).not.toEqual(await jwks(b));
  });

  it('a PID trusted by one is refused by the other, and only the one that verified it remembers it', async () => {
    const wallet = await a.wallet();
    expect(
      (await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' })).split('~').length,
    ).toBeGreaterThan(1);
    const elsewhere = await ReferenceWallet.create({ ...wallet.options, issuerUrl: b.url });
    const first = await elsewhere.challenge({ scope: 'membership' });
    expect(first.body.error).toBe('insufficient_authorization');
    const presented = await elsewhere.respond(await elsewhere.requestObject(String(first.body.presentation)));
    expect([presented.status, presented.body.error]).toEqual([400, 'invalid_request']);

    const digest = digestOf(wallet.options.pid);
    const keysOfA = [a.pidIssuer.publicJwk];
    expect(a.internals.verifiedJwts.lookup(digest, keysOfA, a.clock.now)).toBeDefined();
    expect(b.internals.verifiedJwts.lookup(digest, keysOfA, b.clock.now)).toBeUndefined();
    expect(b.internals.verifiedJwts).not.toBe(a.internals.verifiedJwts);
    expect(b.internals.keyImports).not.toBe(a.internals.keyImports);
  });

  it('and the other way round: a PID of the second is accepted there and refused by the first', async () => {
    const wallet = await b.wallet();
    expect(
      (await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership' })).split('~').length,
    ).toBeGreaterThan(1);
    const elsewhere = await ReferenceWallet.create({ ...wallet.options, issuerUrl: a.url });
    const first = await elsewhere.challenge({ scope: 'membership' });
    const presented = await elsewhere.respond(await elsewhere.requestObject(String(first.body.presentation)));
    expect([presented.status, presented.body.error]).toEqual([400, 'invalid_request']);
  });
});
