import { clientAuthenticationNone, setGlobalConfig as allowHttpOauth2 } from 'oauth2-046';
import { AuthorizationFlow, Openid4vciClient, setGlobalConfig as allowHttpVci } from 'openid4vci-046';
import {
  createOpenid4vpAuthorizationResponse,
  parseOpenid4vpAuthorizationRequest,
  resolveOpenid4vpAuthorizationRequest,
  submitOpenid4vpAuthorizationResponse,
} from 'openid4vp-046';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Openid4vciClient as Openid4vciClient05 } from '@openid4vc/openid4vci';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEROP_BACKENDS, type InteropServer, interopWallet } from './interop-backends.js';
import { callbacksFor, type CodeRedemption, DEMO_CLIENT, demoStart, redeemCode } from './wallet-callbacks.js';

/**
 * Issue 13, interop (rule 7): the seed's flow L driven by the unmodified `@openid4vc/openid4vci`,
 * `openid4vp` and `oauth2` 0.4.6 (installed under the aliases `openid4vci-046`, `openid4vp-046`,
 * `oauth2-046` beside 0.5), what Credo 0.6 and other L wallets are built on. Only the crypto
 * callbacks and the wallet app's key-binding JWT are ours; docs/interop.md records what it sends.
 */
const { clientId: CLIENT_ID } = DEMO_CLIENT;
/**
 * Each 0.4.6 package holds its own copy of `@openid4vc/utils` (the top-level one is 0.5), and each
 * copy its own "allow http" switch; the test server is plain HTTP on loopback, so every copy is told.
 * openid4vp 0.4.6 does not re-export the switch: its copy is loaded from where that package resolves it.
 */
async function allowHttp(allow: boolean) {
  const vpRoot = dirname(dirname(createRequire(import.meta.url).resolve('openid4vp-046/package.json')));
  const vpUtils = join(vpRoot, 'openid4vp-046/node_modules/@openid4vc/utils/dist/index.mjs');
  const { setGlobalConfig: allowHttpVp } = (await import(pathToFileURL(vpUtils).href)) as {
    setGlobalConfig: typeof allowHttpVci;
  };
  for (const set of [allowHttpOauth2, allowHttpVci, allowHttpVp]) set({ allowInsecureUrls: allow });
}

describe.each(Object.keys(INTEROP_BACKENDS))(
  'interop: @openid4vc 0.4.6 speaks L with our challenge endpoint on %s',
  (backend) => {
    let server: InteropServer;
    beforeAll(async () => {
      await allowHttp(true);
      server = await INTEROP_BACKENDS[backend]!();
    }, 60_000);
    afterAll(async () => {
      await allowHttp(false);
      await server.stop();
    });

    it('issue 13 interop: challenge → request object fetched and verified → presentation → pdis → code → token → credential', async () => {
      const { dpopKey, holderKey, present, sent } = await interopWallet(server);
      const callbacks = callbacksFor([dpopKey, holderKey], sent, clientAuthenticationNone({ clientId: CLIENT_ID }));
      const client = new Openid4vciClient({ callbacks });
      const issuerMetadata = await client.resolveIssuerMetadata(server.url);
      const { credentialOffer, dpop, authorization } = demoStart(server.url, dpopKey);
      const started = await client.initiateAuthorization({ ...authorization, issuerMetadata });
      expect(started.authorizationFlow).toBe(AuthorizationFlow.PresentationDuringIssuance);
      if (started.authorizationFlow !== AuthorizationFlow.PresentationDuringIssuance) return;
      const parsed = parseOpenid4vpAuthorizationRequest({ authorizationRequest: started.openid4vpRequestUrl });
      const resolved = await resolveOpenid4vpAuthorizationRequest({
        authorizationRequestPayload: parsed.params as Parameters<
          typeof resolveOpenid4vpAuthorizationRequest
        >[0]['authorizationRequestPayload'],
        callbacks,
      });
      const request = resolved.authorizationRequestPayload as { nonce: string; client_id: string };
      // The wallet app's part: the key-binding JWT, for the verifier's client_id (OpenID4VP App. B.3.6).
      const vp = await present(request.nonce, request.client_id);
      const response = await createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as Parameters<
          typeof createOpenid4vpAuthorizationResponse
        >[0]['authorizationRequestPayload'],
        authorizationResponsePayload: { vp_token: { pid: [vp] } },
        callbacks,
      });
      const submitted = await submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as Parameters<
          typeof submitOpenid4vpAuthorizationResponse
        >[0]['authorizationRequestPayload'],
        authorizationResponsePayload: response.authorizationResponsePayload,
        callbacks,
      });
      const { presentation_during_issuance_session: pdis } = (await submitted.response.json()) as Record<
        string,
        string
      >;
      const { authorizationChallengeResponse } = await client.retrieveAuthorizationCodeUsingPresentation({
        authSession: started.authSession,
        presentationDuringIssuanceSession: pdis,
        credentialOffer,
        issuerMetadata,
        dpop,
      });
      const authorizationCode = authorizationChallengeResponse.authorization_code;
      // 0.4.6's client has the same calls and shapes as 0.5's.
      const credentials = await redeemCode(client as unknown as Openid4vciClient05, {
        issuerMetadata: issuerMetadata as unknown as CodeRedemption['issuerMetadata'],
        credentialOffer,
        authorizationCode,
        holderKey,
        dpop,
      });
      expect(credentials.credentialResponse.credentials?.length).toBe(1);
      const at = (path: string) => sent.filter((r) => r.url.startsWith(`${server.url}${path}`));
      const [initial, withPdis] = at('/authorize-challenge');
      expect(initial!.dpop).toBe(true);
      expect(Object.keys(initial!.fields).sort()).toEqual(['client_id', 'redirect_uri', 'resource', 'scope']);
      expect(Object.keys(withPdis!.fields).sort()).toEqual([
        'auth_session',
        'client_id',
        'presentation_during_issuance_session',
      ]);
    });
  },
);
