import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe.each(['direct_post', 'direct_post.jwt'] as const)('the OpenID4VP verifier with %s', (responseMode) => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer({ verifier: { clientIdPrefix: 'x509_san_dns', responseMode } });
  });
  afterAll(() => server.stop());

  it('serves a signed request object (typ oauth-authz-req+jwt) with nonce, state, response_uri and a DCQL query for a PID', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    expect(request.responseMode).toBe(responseMode);
    expect(request.payload).toMatchObject({
      response_type: 'vp_token',
      aud: 'https://self-issued.me/v2',
      client_id: request.clientId,
    });
    expect(request.claims).toEqual(['given_name', 'family_name', 'birthdate']);
    expect(request.responseUri).toMatch(new RegExp(`^${server.url}/verifier/response/`));
    if (responseMode === 'direct_post.jwt') expect(request.encryptionJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
  });

  it('OpenID4VP §13.3: the request object is served once', async () => {
    const wallet = await server.wallet();
    const { presentation } = await untilPresentation(wallet);
    await expect(wallet.requestObject(presentation)).rejects.toThrow(/400/);
  });

  it('P-41: a presentation made for another nonce is refused', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request, { nonce: 'a-nonce-of-another-verifier-0001' })).body.error).toBe(
      'invalid_request',
    );
  });

  it('P-41: a presentation addressed to another verifier (aud) is refused', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request, { audience: 'x509_san_dns:rp.attacker.example' })).body.error).toBe(
      'invalid_request',
    );
  });

  it('OpenID4VP §5.3, P-40: a response with another state is refused', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request, { state: 'another-state-value-0000000001' })).body.error).toBe(
      'invalid_request',
    );
  });

  it('OpenID4VP §13.3: a wallet response is accepted once', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request)).status).toBe(200);
    expect((await wallet.respond(request)).body.error).toBe('invalid_request');
  });

  it('CF-10, E-30: a PID from an issuer we do not trust is refused', async () => {
    const holderKey = await generateWalletKey();
    const rogueDir = mkdtempSync(join(tmpdir(), 'rogue-pid-'));
    const rogue = await openDemoPidIssuer(rogueDir);
    const pid = await rogue.issuePid(
      holderKey.publicJwk,
      { given_name: 'Eve', family_name: 'Rogue', birthdate: '1990-01-01' },
      server.clock.now,
    );
    const wallet = await ReferenceWallet.create({ issuerUrl: server.url, pid, holderKey, now: () => server.clock.now });
    const { request } = await untilPresentation(wallet);
    expect((await wallet.respond(request)).body.error).toBe('invalid_request');
    rmSync(rogueDir, { recursive: true, force: true });
  });

  it('OpenID4VP §8.2: a wallet error is recorded and answered 200 without a pdis', async () => {
    const wallet = await server.wallet();
    const { request } = await untilPresentation(wallet);
    const answer = await wallet.respond(request, { error: 'access_denied' });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('presentation_during_issuance_session');
  });
});
