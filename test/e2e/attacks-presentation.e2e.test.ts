import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWalletKey } from '../../wallet/keys.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import type { WalletRequest } from '../../wallet/request-object.js';
import { untilPresentation, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** The running verifier refuses every invalid presentation (seed 002 CF-10, CF-20, CF-21, P-41; SD-JWT §7). */
describe('presentation validity, attacked over HTTP', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  async function attack(
    tamper: (presentation: string, request: WalletRequest, wallet: ReferenceWallet) => string | Promise<string>,
  ) {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    const honest = await presentSdJwtVc(wallet.options.pid, wallet.options.holderKey, {
      nonce: request.nonce,
      audience: request.clientId,
      claims: request.claims,
      now: server.clock.now,
    });
    return wallet.respond(request, { vpToken: await tamper(honest, request, wallet) });
  }

  it('CF-20: a tampered disclosure is invalid_request', async () => {
    const answer = await attack((p) => {
      const parts = p.split('~');
      const disclosure = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString());
      disclosure[2] = 'Mallory';
      parts[1] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
      return parts.join('~');
    });
    expect(answer.body.error).toBe('invalid_request');
  });

  it('CF-21: a presentation without its key-binding JWT is invalid_request', async () => {
    expect((await attack((p) => p.slice(0, p.lastIndexOf('~') + 1))).body.error).toBe('invalid_request');
  });

  it('CF-21: an sd_hash mismatch (disclosures removed after binding) is invalid_request', async () => {
    expect(
      (
        await attack((p) => {
          const parts = p.split('~');
          parts.splice(1, 1);
          return parts.join('~');
        })
      ).body.error,
    ).toBe('invalid_request');
  });

  it('CF-21: a key-binding JWT signed by another key than cnf is invalid_request', async () => {
    const thief = await generateWalletKey();
    const answer = await attack((_, request, wallet) =>
      presentSdJwtVc(wallet.options.pid, thief, {
        nonce: request.nonce,
        audience: request.clientId,
        claims: request.claims,
        now: server.clock.now,
      }),
    );
    expect(answer.body.error).toBe('invalid_request');
  });

  it('SD-JWT §7.3: a stale key-binding JWT (iat an hour ago) is invalid_request', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    const stale = await presentSdJwtVc(wallet.options.pid, wallet.options.holderKey, {
      nonce: request.nonce,
      audience: request.clientId,
      claims: request.claims,
      now: server.clock.now - 3600_000,
    });
    expect((await wallet.respond(request, { vpToken: stale })).body.error).toBe('invalid_request');
  });

  it('SD-JWT VC: an expired PID, a PID of another vct, and a PID missing a requested claim are invalid_request', async () => {
    const holderKey = await generateWalletKey();
    const expired = await server.pidIssuer.issuePid(
      holderKey.publicJwk,
      { given_name: 'A', family_name: 'B', birthdate: '2000-01-01' },
      server.clock.now - 2 * 365 * 24 * 3600_000,
    );
    const wallet = await ReferenceWallet.create({
      issuerUrl: server.url,
      pid: expired,
      holderKey,
      now: () => server.clock.now,
    });
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request)).body.error).toBe('invalid_request');
    const partial = await server.wallet({ pidClaims: { given_name: 'A', family_name: 'B' } });
    const second = await untilPresentation(partial);
    expect((await partial.respond(second.request)).body.error).toBe('invalid_request');
  });
});

describe('timeouts over HTTP, with the server clock moved (FiPA §9.6.2, OpenID4VP §13.3, OpenID4VCI §7.2)', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('a request object fetched after its 300 s lifetime is refused', async () => {
    const wallet = await server.wallet();
    const first = await wallet.challenge({ scope: 'membership' });
    server.clock.now += 301_000;
    await expect(wallet.requestObject(String(first.body.presentation))).rejects.toThrow(/400/);
  });

  it('a pdis used after its 300 s lifetime is refused, and the session then expires', async () => {
    const wallet = await server.wallet();
    const { authSession, request } = await untilPresentation(wallet);
    const pdis = String((await wallet.respond(request)).body.presentation_during_issuance_session);
    server.clock.now += 301_000;
    expect(
      (await wallet.challenge({ auth_session: authSession, presentation_during_issuance_session: pdis })).body.error,
    ).toBe('invalid_request');
    server.clock.now += 300_000;
    expect(await server.issuer.expireDue()).toBeGreaterThan(0);
    expect(
      (await wallet.challenge({ auth_session: authSession, presentation_during_issuance_session: pdis })).body.error,
    ).toBe('invalid_session');
  });

  it('an auth_session used after its 600 s lifetime is invalid_session', async () => {
    const wallet = await server.wallet();
    const { authSession } = await untilPresentation(wallet);
    server.clock.now += 601_000;
    expect((await wallet.challenge({ auth_session: authSession })).body.error).toBe('invalid_session');
  });

  it('an access token used after its 300 s lifetime is invalid_token', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    server.clock.now += 301_000;
    expect(
      (await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce: await wallet.nonce() })).body
        .error,
    ).toBe('invalid_token');
  });

  it('a c_nonce used after its 60 s lifetime is invalid_nonce', async () => {
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const cNonce = await wallet.nonce();
    server.clock.now += 61_000;
    expect((await wallet.credential(accessToken, { configurationId: 'demo_membership', cNonce })).body.error).toBe(
      'invalid_nonce',
    );
  });
});
