import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { type Dialect, InvalidRequest, InvalidScope } from '../../engine/index.js';

/** The first challenge call's authorization request, checked (FiPA §5.1, OpenID4VCI §5.1, the seed). */
export interface AuthorizationRequest {
  clientId: string;
  scope?: string;
  credentialConfigurationIds: string[];
  issuerState?: string;
  codeChallenge?: string;
  redirectUri?: string;
  /** RFC 6749 §4.1.1: the client's state, echoed in a browser redirect. */
  state?: string;
  /** RAR was used: the token response must then carry authorization_details. */
  viaAuthorizationDetails: boolean;
  /** Per configuration, the only claims asked for in authorization_details `claims`. */
  claimSubsets?: Record<string, string[]>;
}

/** OpenID4VCI App. B.2: a claims description; the claims issued here are top-level, so a path is one name. */
const ClaimDescription = z
  .object({
    path: z
      .array(z.union([z.string(), z.number(), z.null()]))
      .min(1)
      .max(16),
    mandatory: z.boolean().optional(),
  })
  .loose();

const AuthorizationDetails = z
  .array(
    z
      .object({
        type: z.literal('openid_credential'),
        credential_configuration_id: z.string().min(1),
        claims: z.array(ClaimDescription).min(1).max(64).optional(),
      })
      .loose(),
  )
  .min(1)
  .max(16);
type AuthorizationDetails = z.infer<typeof AuthorizationDetails>;

const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;
const SEED_FORBIDDEN = ['request_uri', 'response_type', 'code_challenge', 'code_challenge_method'];

function fail(message: string, rule: string): never {
  throw new InvalidRequest(message, rule);
}

function detailsOf(raw: string): AuthorizationDetails {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    fail('authorization_details is not JSON', 'RFC 9396 §2');
  }
  const details = AuthorizationDetails.safeParse(json);
  if (!details.success) fail('authorization_details must list openid_credential entries', 'OpenID4VCI §5.1.1');
  return details.data;
}

function parseDetails(raw: string): string[] {
  return detailsOf(raw).map((detail) => detail.credential_configuration_id);
}

/**
 * OpenID4VCI §5.1.1, seed 002 §3.3 (data minimisation): the claims an entry lists are the only ones
 * its credential will carry. Each must be a claim the configuration issues (own properties only).
 * Entries of one configuration listed twice add up.
 */
function claimSubsetsOf(raw: string, config: Config): Record<string, string[]> | undefined {
  const subsets = new Map<string, Set<string>>();
  for (const detail of detailsOf(raw)) {
    if (!detail.claims) continue;
    const issued = config.credentialConfigurations[detail.credential_configuration_id]?.claimMapping ?? {};
    const names = subsets.get(detail.credential_configuration_id) ?? new Set<string>();
    for (const { path } of detail.claims) {
      const name = path[0];
      if (path.length !== 1 || typeof name !== 'string' || !Object.hasOwn(issued, name))
        fail(
          'authorization_details claims names a claim this credential does not carry',
          'OpenID4VCI §5.1.1, App. B.2',
        );
      names.add(name);
    }
    subsets.set(detail.credential_configuration_id, names);
  }
  return subsets.size === 0 ? undefined : Object.fromEntries([...subsets].map(([id, names]) => [id, [...names]]));
}

/** The configurations asked for by scope and/or authorization_details; each must be known. */
function requestedConfigurations(params: Map<string, string>, config: Config): string[] {
  const ids = new Set<string>();
  const known = Object.entries(config.credentialConfigurations);
  for (const token of (params.get('scope') ?? '').split(' ').filter(Boolean)) {
    const match = known.find(([, c]) => c.scope === token);
    if (match) ids.add(match[0]);
  }
  const details = params.get('authorization_details');
  if (details !== undefined)
    for (const id of parseDetails(details)) {
      if (!config.credentialConfigurations[id])
        throw new InvalidRequest(
          'authorization_details names an unknown credential configuration',
          'OpenID4VCI §5.1.1',
        );
      ids.add(id);
    }
  if (ids.size === 0)
    throw new InvalidScope('no known credential is requested by scope or authorization_details', 'OpenID4VCI §5.1.2');
  return [...ids];
}

/**
 * PKCE, response_type and request_uri as the engine's policy says (see shared/docs/protocol.md).
 * The seed's ban is L's alone: S1/S2/S3 expect `response_type=code` (FiPA -03 §5.1 REQUIRED) and
 * PKCE (protocol-ia.md §2.2). A pushed `request_uri` or a signed `request` is never taken here:
 * RFC 9126 §3 forbids the first at a PAR-like endpoint (and fetching it would be SSRF, protocol-ia.md §6).
 */
function checkParameters(params: Map<string, string>, config: Config, dialect: Dialect): void {
  if (dialect === 'L' && config.strictSeedParameters) {
    const forbidden = SEED_FORBIDDEN.find((name) => params.has(name));
    if (forbidden) fail(`${forbidden} must not be sent`, 'PDI-DE (seed 000) appendix');
  }
  if (params.has('request_uri')) fail('request_uri is not supported at this endpoint', 'FiPA §5.1; RFC 9126 §3');
  if (params.has('request')) fail('signed authorization requests are not supported', 'RFC 9101 §5; issue 13 §2');
  const responseType = params.get('response_type');
  if (dialect !== 'L' && responseType === undefined) fail('response_type=code is required', 'FiPA §5.1');
  if (responseType !== undefined && responseType !== 'code') fail('response_type must be code', 'FiPA §5.1');
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (method !== undefined && challenge === undefined)
    fail('code_challenge_method without code_challenge', 'RFC 7636 §4.3');
  if (challenge !== undefined) {
    if (method !== 'S256') fail('code_challenge_method must be S256', 'RFC 9700 §2.1.1');
    if (!PKCE_VALUE.test(challenge)) fail('code_challenge is malformed', 'RFC 7636 §4.2');
  }
}

export function readAuthorizationRequest(
  params: Map<string, string>,
  config: Config,
  attestedClientId?: string,
  dialect: Dialect = 'L',
): AuthorizationRequest {
  checkParameters(params, config, dialect);
  const clientId = params.get('client_id') ?? attestedClientId;
  if (!clientId || clientId.length > 256) fail('client_id is required', 'FiPA §5.1');
  if (attestedClientId !== undefined && clientId !== attestedClientId)
    fail('client_id differs from the wallet attestation subject', 'ABCA §5.1');
  const issuerState = params.get('issuer_state');
  const redirectUri = params.get('redirect_uri');
  const state = params.get('state');
  if (state !== undefined && (state.length === 0 || state.length > 512))
    fail('state must be 1 to 512 characters', 'RFC 6749 §4.1.1');
  const scope = params.get('scope');
  const codeChallenge = params.get('code_challenge');
  const credentialConfigurationIds = requestedConfigurations(params, config);
  const details = params.get('authorization_details');
  const claimSubsets = details === undefined ? undefined : claimSubsetsOf(details, config);
  return {
    clientId,
    credentialConfigurationIds,
    viaAuthorizationDetails: params.has('authorization_details'),
    ...(claimSubsets && { claimSubsets }),
    ...(scope !== undefined && { scope: scope.slice(0, 1024) }),
    ...(issuerState !== undefined && { issuerState }),
    ...(codeChallenge !== undefined && { codeChallenge }),
    ...(redirectUri !== undefined && { redirectUri }),
    ...(state !== undefined && { state }),
  };
}
