import { afterEach, describe, expect, it } from 'vitest';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/** Seed 000: the wallet cannot present, posts an error, and retries the challenge with auth_session only. */
describe('the wallet-cannot-present path and the retry policy', () => {
  let server: RunningIssuer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  async function failOnce(
    afterWalletError: 'new_request' | 'redirect_to_web' | 'access_denied',
    maxPresentationAttempts = 3,
  ) {
    server = await startIssuer({ policy: { afterWalletError, maxPresentationAttempts, holderContinuity: false } });
    const wallet = await server.wallet();
    const { authSession, request } = await untilPresentation(wallet);
    expect((await wallet.respond(request, { error: 'access_denied' })).status).toBe(200);
    return { wallet, authSession, retry: await wallet.challenge({ auth_session: authSession }) };
  }

  it('policy new_request: a new presentation with a rotated auth_session, and the flow then completes', async () => {
    const { wallet, authSession, retry } = await failOnce('new_request');
    expect(retry.body.error).toBe('insufficient_authorization');
    expect(retry.body.auth_session).not.toBe(authSession);
    expect((await wallet.challenge({ auth_session: authSession })).body.error).toBe('invalid_session');
    const request = await wallet.requestObject(String(retry.body.presentation));
    const presented = await wallet.respond(request);
    const code = await wallet.challenge({
      auth_session: String(retry.body.auth_session),
      presentation_during_issuance_session: String(presented.body.presentation_during_issuance_session),
    });
    expect(code.status).toBe(200);
  });

  it('policy redirect_to_web: the flow must continue in a browser', async () => {
    const { retry } = await failOnce('redirect_to_web');
    expect([retry.status, retry.body.error]).toEqual([400, 'redirect_to_web']);
  });

  it('policy access_denied: the session ends denied', async () => {
    const { wallet, authSession, retry } = await failOnce('access_denied');
    expect(retry.body.error).toBe('access_denied');
    expect((await wallet.challenge({ auth_session: authSession })).body.error).toBe('invalid_session');
  });

  it('PDI-DE retry bound: after the last allowed attempt fails, the session is denied', async () => {
    const { wallet, retry } = await failOnce('new_request', 2);
    const request = await wallet.requestObject(String(retry.body.presentation));
    await wallet.respond(request, { error: 'access_denied' });
    expect((await wallet.challenge({ auth_session: String(retry.body.auth_session) })).body.error).toBe(
      'access_denied',
    );
  });
  it("issue 13 §7: L's error=access_denied beside the auth_session is the wallet's error: a new request, or denial once the attempts are used up", async () => {
    server = await startIssuer({ policy: { afterWalletError: 'new_request', maxPresentationAttempts: 2 } });
    const wallet = await server.wallet();
    const { authSession } = await untilPresentation(wallet);
    const retry = await wallet.challenge({ auth_session: authSession, error: 'access_denied' });
    expect([retry.status, retry.body.error]).toEqual([400, 'insufficient_authorization']);
    expect(retry.body.auth_session).not.toBe(authSession);
    const denied = await wallet.challenge({ auth_session: String(retry.body.auth_session), error: 'access_denied' });
    expect([denied.status, denied.body.error]).toEqual([400, 'access_denied']);
  });
});
