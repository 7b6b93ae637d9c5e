import { clientAuthenticationNone, setGlobalConfig } from '@openid4vc/oauth2';
import { AuthorizationFlow, Openid4vciClient } from '@openid4vc/openid4vci';
import { createOpenid4vpAuthorizationResponse, resolveOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEROP_BACKENDS, type InteropServer, interopWallet } from './interop-backends.js';
import { callbacksFor, DEMO_CLIENT, demoStart, redeemCode } from './wallet-callbacks.js';

/**
 * Issue 13, interop (rule 7): the unmodified `@openid4vc/openid4vci`, `openid4vp` and `oauth2`
 * 0.5.0-alpha-20260317094507 clients drive an S1 flow against our IAE. Only the crypto callbacks
 * (hash, random, sign, verify, X.509 names) and the wallet app's key-binding JWT (the library
 * builds none, protocol-ia.md §8.2) are ours. docs/interop.md records what the library sends.
 */
const { clientId: CLIENT_ID, redirectUri: REDIRECT_URI } = DEMO_CLIENT;

describe.each(Object.keys(INTEROP_BACKENDS))(
  'interop: @openid4vc 0.5 (alpha) speaks S1 with our IAE on %s',
  (backend) => {
    let server: InteropServer;
    beforeAll(async () => {
      setGlobalConfig({ allowInsecureUrls: true });
      server = await INTEROP_BACKENDS[backend]!({ interactiveAuthorization: { iae: { enabled: true } } });
    }, 60_000);
    afterAll(async () => {
      setGlobalConfig({ allowInsecureUrls: false });
      await server.stop();
    });

    it('issue 13 interop: initiateAuthorization → OpenID4VP request resolved (iae) → code → token → nonce → credential', async () => {
      const { dpopKey, holderKey, present, sent } = await interopWallet(server);
      const callbacks = callbacksFor([dpopKey, holderKey], sent, clientAuthenticationNone({ clientId: CLIENT_ID }));
      const client = new Openid4vciClient({ callbacks });
      const credentialIssuer = `${server.url}/iae`;
      const iae = `${credentialIssuer}/interactive-authorization`;
      const issuerMetadata = await client.resolveIssuerMetadata(credentialIssuer);
      const { credentialOffer, dpop, authorization } = demoStart(credentialIssuer, dpopKey);
      const started = await client.initiateAuthorization({ ...authorization, issuerMetadata });
      expect(started.authorizationFlow).toBe(AuthorizationFlow.InteractiveAuthorizationOpenid4vp);
      if (started.authorizationFlow !== AuthorizationFlow.InteractiveAuthorizationOpenid4vp) return;
      const resolved = await resolveOpenid4vpAuthorizationRequest({
        authorizationRequestPayload: started.openid4vpRequest as Parameters<
          typeof resolveOpenid4vpAuthorizationRequest
        >[0]['authorizationRequestPayload'],
        responseMode: { type: 'iae', expectedUrl: iae },
        callbacks,
      });
      const request = resolved.authorizationRequestPayload as { nonce: string };
      // The wallet app's part: the key-binding JWT, with S1's audience (PR #695: iae: + the IAE URL).
      const vp = await present(request.nonce, `iae:${iae}`);
      const response = await createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload as Parameters<
          typeof createOpenid4vpAuthorizationResponse
        >[0]['authorizationRequestPayload'],
        authorizationResponsePayload: { vp_token: { pid: [vp] } },
        callbacks,
      });
      const { authorizationCode } = await client.retrieveAuthorizationCodeUsingInteractiveAuthorization({
        authSession: started.authSession,
        openid4vpResponse: JSON.stringify(response.authorizationResponsePayload),
        credentialOffer,
        issuerMetadata,
        dpop: { ...dpop, nonce: started.dpop?.nonce },
      });
      const credentials = await redeemCode(client, {
        issuerMetadata,
        credentialOffer,
        authorizationCode,
        holderKey,
        dpop,
      });
      expect(credentials.credentialResponse.credentials?.length).toBe(1);
      // docs/interop.md: what 0.5 sends at each step.
      const at = (path: string) => sent.filter((r) => r.url === `${server.url}${path}`);
      const [initial, followUp] = at('/iae/interactive-authorization');
      expect(initial).toEqual({
        url: iae,
        dpop: true,
        fields: {
          response_type: 'code',
          client_id: CLIENT_ID,
          interaction_types_supported: 'redirect_to_web,openid4vp_presentation',
          scope: 'membership',
          redirect_uri: REDIRECT_URI,
        },
      });
      expect(Object.keys(followUp!.fields).sort()).toEqual(['auth_session', 'openid4vp_response']);
      expect(at('/token')[0]!.fields).toMatchObject({ grant_type: 'authorization_code', code: authorizationCode });
    });
  },
);
