import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationPop, generateWalletKey, walletAttestation, type WalletKey } from '../../wallet/keys.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { InteractiveSteps } from '../../wallet/interactive-flow.js';

/** Seed 000 step 4 and ABCA: the issuer requires a wallet attestation and binds the session to it. */
describe('wallet attestation required by configuration', () => {
  let server: RunningIssuer;
  let provider: WalletKey & { issuer: string };
  beforeAll(async () => {
    provider = { ...(await generateWalletKey()), issuer: 'https://wallet-provider.example' };
    server = await startIssuer({
      interactiveAuthorization: { iae: { enabled: true } },
      walletAttestation: {
        required: true,
        trustedAttesters: [
          { issuer: provider.issuer, jwks: { keys: [provider.publicJwk as Record<string, unknown>] } },
        ],
      },
    });
  });
  afterAll(() => server.stop());

  async function headersFor(instance: WalletKey, jti?: string) {
    return {
      'OAuth-Client-Attestation': await walletAttestation(provider, instance, 'reference-wallet', server.clock.now),
      'OAuth-Client-Attestation-PoP': await attestationPop(instance, server.url, server.clock.now, jti),
    };
  }

  it('advertises attest_jwt_client_auth', async () => {
    const wallet = await server.wallet();
    const { authorizationServer } = await wallet.metadata();
    expect(authorizationServer.body.token_endpoint_auth_methods_supported).toContain('attest_jwt_client_auth');
  });

  it('seed 000 step 4: a challenge without the attestation is invalid_client', async () => {
    const wallet = await server.wallet();
    const answer = await wallet.challenge({ scope: 'membership' });
    expect([answer.status, answer.body.error]).toEqual([401, 'invalid_client']);
  });

  it('ABCA: a session opened with an attestation refuses a later call without it or with another instance key', async () => {
    const wallet = await server.wallet();
    const instance = await generateWalletKey();
    const first = await wallet.challenge({ scope: 'membership' }, { headers: await headersFor(instance) });
    expect(first.body.error).toBe('insufficient_authorization');
    const authSession = String(first.body.auth_session);
    expect((await wallet.challenge({ auth_session: authSession })).body.error).toBe('invalid_client');
    const other = await generateWalletKey();
    expect(
      (await wallet.challenge({ auth_session: authSession }, { headers: await headersFor(other) })).body.error,
    ).toBe('invalid_client');
    expect(
      (await wallet.challenge({ auth_session: authSession }, { headers: await headersFor(instance) })).body.error,
    ).toBe('insufficient_authorization');
  });

  it('ABCA §12.1: a replayed attestation PoP is refused', async () => {
    const wallet = await server.wallet();
    const instance = await generateWalletKey();
    const headers = await headersFor(instance, 'the-same-jti-twice');
    expect((await wallet.challenge({ scope: 'membership' }, { headers })).body.error).toBe(
      'insufficient_authorization',
    );
    expect((await wallet.challenge({ scope: 'membership' }, { headers })).body.error).toBe('invalid_client');
  });

  it('ABCA §5.1: an attestation from an untrusted wallet provider is refused', async () => {
    const wallet = await server.wallet();
    const rogue = { ...(await generateWalletKey()), issuer: 'https://rogue-provider.example' };
    const instance = await generateWalletKey();
    const headers = {
      'OAuth-Client-Attestation': await walletAttestation(rogue, instance, 'reference-wallet', server.clock.now),
      'OAuth-Client-Attestation-PoP': await attestationPop(instance, server.url, server.clock.now),
    };
    expect((await wallet.challenge({ scope: 'membership' }, { headers })).body.error).toBe('invalid_client');
  });

  it.each(['S1', 'S2', 'S3'] as const)(
    'issue 13 §6, protocol-ia.md §6 (%s): every request carries the attestation that opened the session',
    async (dialect) => {
      const steps = new InteractiveSteps(await server.wallet(), dialect);
      const instance = await generateWalletKey();
      expect((await steps.challenge({ scope: 'membership' })).body.error).toBe('invalid_client');
      const first = await steps.challenge({ scope: 'membership' }, { headers: await headersFor(instance) });
      expect(first.status).toBe(steps.interactionStatus);
      const [authSession, request] = [String(first.body.auth_session), await steps.request(first)];
      expect((await steps.respond(authSession, request)).body.error).toBe('invalid_client');
      const other = { headers: await headersFor(await generateWalletKey()) };
      expect((await steps.respond(authSession, request, {}, other)).body.error).toBe('invalid_client');
      const same = await steps.respond(authSession, request, {}, { headers: await headersFor(instance) });
      expect(same.status).toBe(200);
    },
  );
});
