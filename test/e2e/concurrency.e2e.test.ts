import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopProof } from '../../wallet/keys.js';
import type { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { untilCode, untilPdis } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const PARALLEL = 64;
const SESSIONS = 6;

/** The same form request, each copy with its own fresh DPoP proof (so DPoP replay is not what refuses them). */
async function sameRequest(wallet: ReferenceWallet, url: string, form: Record<string, string>) {
  const proof = await dpopProof(wallet.dpopKey, { method: 'POST', url, now: wallet.now() });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: proof },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Seed 002 §6 and the runtime's optimistic concurrency: of many identical requests on one session exactly one wins. */
describe(`${PARALLEL} identical requests in parallel on each of ${SESSIONS} sessions`, () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('P-20, PDI-DE: exactly one second challenge per session gets an authorization code', async () => {
    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, async () => {
        const wallet = await server.wallet();
        return { wallet, ...(await untilPdis(wallet)) };
      }),
    );
    const url = `${server.url}/authorize-challenge`;
    const results = await Promise.all(
      sessions.map(({ wallet, authSession, pdis }) =>
        Promise.all(
          Array.from({ length: PARALLEL }, () =>
            sameRequest(wallet, url, {
              client_id: wallet.clientId,
              auth_session: authSession,
              presentation_during_issuance_session: pdis,
            }),
          ),
        ),
      ),
    );
    for (const answers of results) {
      expect(answers.filter((a) => a.status === 200 && a.body.authorization_code)).toHaveLength(1);
      expect(answers.every((a) => a.status < 500)).toBe(true);
    }
  });

  it('RFC 6749 §4.1.2: exactly one token request per code gets a token (the others are code reuse)', async () => {
    const sessions = await Promise.all(
      Array.from({ length: SESSIONS }, async () => {
        const wallet = await server.wallet();
        return { wallet, ...(await untilCode(wallet)) };
      }),
    );
    const url = `${server.url}/token`;
    const results = await Promise.all(
      sessions.map(({ wallet, code }) =>
        Promise.all(
          Array.from({ length: PARALLEL }, () =>
            sameRequest(wallet, url, { grant_type: 'authorization_code', code, client_id: wallet.clientId }),
          ),
        ),
      ),
    );
    for (const answers of results) {
      expect(answers.filter((a) => a.status === 200 && a.body.access_token)).toHaveLength(1);
      expect(answers.filter((a) => a.body.error === 'invalid_grant')).toHaveLength(PARALLEL - 1);
    }
  });
});
