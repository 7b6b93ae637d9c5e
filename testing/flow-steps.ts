import assert from 'node:assert/strict';
import type { ReferenceWallet } from '../wallet/reference-wallet.js';
import type { WalletRequest } from '../wallet/request-object.js';

/** The flow up to the answer the test wants to attack, each step checked on the way (an `AssertionError` when one fails). */
export async function untilPresentation(
  wallet: ReferenceWallet,
  params: Record<string, string> = { scope: 'membership' },
) {
  const first = await wallet.challenge(params);
  assert.equal(first.status, 400, JSON.stringify(first.body));
  assert.equal(first.body.error, 'insufficient_authorization');
  const request: WalletRequest = await wallet.requestObject(String(first.body.presentation));
  return { authSession: String(first.body.auth_session), presentation: String(first.body.presentation), request };
}

export async function untilPdis(wallet: ReferenceWallet, params?: Record<string, string>) {
  const start = await untilPresentation(wallet, params);
  const presented = await wallet.respond(start.request);
  assert.equal(presented.status, 200, JSON.stringify(presented.body));
  return { ...start, pdis: String(presented.body.presentation_during_issuance_session) };
}

export async function untilCode(wallet: ReferenceWallet, params?: Record<string, string>) {
  const start = await untilPdis(wallet, params);
  const second = await wallet.challenge({
    auth_session: start.authSession,
    presentation_during_issuance_session: start.pdis,
  });
  assert.equal(second.status, 200, JSON.stringify(second.body));
  return { ...start, code: String(second.body.authorization_code) };
}

export async function untilToken(wallet: ReferenceWallet, params?: Record<string, string>) {
  const start = await untilCode(wallet, params);
  const token = await wallet.token(start.code);
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return { ...start, accessToken: String(token.body.access_token), tokenBody: token.body };
}

/** The whole seed flow, for tests of what follows issuance: the session it ran in and the credential it got. */
export async function completedFlow(
  wallet: ReferenceWallet,
  configurationId = 'demo_membership',
  scope = 'membership',
) {
  let authSession: string | undefined;
  const credential = await wallet.runFlow({
    scope,
    configurationId,
    onStep: (_, detail) => {
      authSession ??= (detail as { auth_session?: string }).auth_session;
    },
  });
  assert.ok(authSession, 'the first challenge answer names the auth_session');
  return { sessionId: authSession.split('.')[0]!, credential };
}
