import type { NewPresentationRequest } from '../../engine/index.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { dpopChallenge, jsonResponse, type ProtocolResponse } from '../messages.js';
import { pidQuery, pidRequirements } from '../openid4vp/pid-requirements.js';
import { buildRequestByValue } from '../openid4vp/request-by-value.js';
import { BROWSER_TYPE, type InteractiveDialect, PRESENTATION_TYPE } from './interaction-types.js';

/** The endpoint a dialect's wallet talks to, and answers its OpenID4VP request to: the IAE (S1/S2) or the challenge endpoint (S3). */
export function interactionEndpoint(ctx: IssuerContext, dialect: InteractiveDialect): string {
  return dialect === 'S3' ? endpoints(ctx.config).challenge : endpoints(ctx.config).iae;
}

/**
 * The interaction answer of each dialect (protocol-ia.md §3), with a new `auth_session` and the
 * OpenID4VP request by value. S1/S2: `200 {status: "require_interaction", type, auth_session,
 * openid4vp_request}` (every example is 200, and the 0.5 client takes any other status for an
 * error). S3: HTTP 401 `insufficient_authorization` with `interaction_type_required`; RFC 9110
 * §15.5.2 wants a challenge on a 401: the DPoP one, naming the error, since the session is DPoP-bound.
 */
export async function interactionAnswer(
  ctx: IssuerContext,
  dialect: InteractiveDialect,
  authSession: string,
  request: Pick<NewPresentationRequest, 'requestId' | 'nonce'>,
  credentialConfigurationIds: string[],
): Promise<ProtocolResponse> {
  const needed = pidRequirements(ctx.config.credentialConfigurations, credentialConfigurationIds);
  const { openid4vpRequest } = await buildRequestByValue({
    keys: ctx.keys,
    dialect,
    clientIdPrefix: ctx.config.verifier.clientIdPrefix,
    endpointUrl: interactionEndpoint(ctx, dialect),
    nonce: request.nonce,
    responseMode: ctx.config.verifier.responseMode,
    dcqlQuery: pidQuery(needed),
    now: ctx.now(),
    lifetimeSeconds: ctx.config.lifetimes.request,
    requestId: request.requestId,
  });
  return interactionRequired(dialect, PRESENTATION_TYPE[dialect], 'present the requested credential', {
    auth_session: authSession,
    openid4vp_request: openid4vpRequest,
  });
}

/** One interaction answer: S1/S2 `200 {status: "require_interaction", type, …}`; S3 the 401 with `interaction_type_required` and the DPoP challenge. */
function interactionRequired(
  dialect: InteractiveDialect,
  type: string,
  description: string,
  fields: Record<string, unknown>,
): ProtocolResponse {
  if (dialect !== 'S3') return jsonResponse(200, { status: 'require_interaction', type, ...fields });
  return jsonResponse(
    401,
    { error: 'insufficient_authorization', error_description: description, interaction_type_required: type, ...fields },
    { 'WWW-Authenticate': dpopChallenge('insufficient_authorization') },
  );
}

/** The code, as each dialect returns it: S1/S2 `200 {status: "ok", code}` (protocol-ia.md §3.1), S3 `200 {authorization_code}` (FiPA §5.2.1). */
export function codeAnswer(dialect: InteractiveDialect, code: string): ProtocolResponse {
  return jsonResponse(200, dialect === 'S3' ? { authorization_code: code } : { status: 'ok', code });
}

/**
 * The browser step (protocol-ia.md §3, §5): the pushed `request_uri` (REQUIRED) with its
 * `expires_in` and the new `auth_session` (S1/S2: the 0.5 client's schema requires it; S3: the
 * example carries it). S1/S2 `200 require_interaction` with `redirect_to_web`, S3 the 401 with
 * `interaction_type_required` `auth_via_web`.
 */
export function browserAnswer(
  dialect: InteractiveDialect,
  authSession: string,
  requestUri: string,
  expiresIn: number,
): ProtocolResponse {
  return interactionRequired(dialect, BROWSER_TYPE[dialect], 'continue in a browser', {
    auth_session: authSession,
    request_uri: requestUri,
    expires_in: expiresIn,
  });
}

/** The first answer of an interactive session: the in-band presentation's request, or the pushed request_uri of the browser step (issue 15). */
export function openedAnswer(
  ctx: IssuerContext,
  dialect: InteractiveDialect,
  opened: {
    authSession: string;
    request: Pick<NewPresentationRequest, 'requestId' | 'nonce'>;
    credentialConfigurationIds: string[];
    requestUri?: string;
  },
): Promise<ProtocolResponse> | ProtocolResponse {
  if (opened.requestUri !== undefined)
    return browserAnswer(dialect, opened.authSession, opened.requestUri, ctx.config.lifetimes.request);
  return interactionAnswer(ctx, dialect, opened.authSession, opened.request, opened.credentialConfigurationIds);
}
