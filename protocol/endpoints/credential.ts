import { isLeft } from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { hashSecret, sessionOfHandle } from '../handles.js';
import { verifyDpopProof } from '../oauth2/dpop.js';
import { verifyProofJwt } from '../openid4vci/proof.js';
import { issueSdJwtVc } from '../openid4vci/sd-jwt-vc.js';
import {
  CredentialRequestDenied,
  EngineError,
  InvalidCredentialRequest,
  InvalidNonce,
  InvalidProof,
  InvalidToken,
  UnknownCredentialConfiguration,
  UnknownCredentialIdentifier,
  contextOf,
  credentialClaims,
  credentialPrecheck,
  type SessionContext,
} from '../../engine/index.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import {
  authenticationRequired,
  jsonResponse,
  readJson,
  resourceErrorResponse,
  type ProtocolRequest,
  type ProtocolResponse,
} from '../messages.js';

const CredentialRequest = z
  .object({
    credential_configuration_id: z.string().min(1).max(256).optional(),
    credential_identifier: z.string().min(1).max(256).optional(),
    proofs: z.object({ jwt: z.array(z.string().min(1).max(8192)).min(1).max(16) }).strict(),
  })
  .refine((r) => (r.credential_configuration_id === undefined) !== (r.credential_identifier === undefined), {
    message: 'exactly one of credential_configuration_id and credential_identifier',
  });

/** OpenID4VCI §8.2: a JSON credential request. */
function readRequest(request: ProtocolRequest) {
  const parsed = CredentialRequest.safeParse(readJson(request, InvalidCredentialRequest, 'OpenID4VCI §8.2'));
  if (!parsed.success)
    throw new InvalidCredentialRequest(
      `malformed credential request: ${parsed.error.issues[0]?.message}`,
      'OpenID4VCI §8.2',
    );
  return parsed.data;
}

/** RFC 9449 §7.1: `Authorization: DPoP <token>`; a DPoP-bound token is never accepted as a bearer token. */
function accessToken(request: ProtocolRequest): string {
  const match = /^DPoP ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.get('authorization') ?? '');
  if (!match) throw new InvalidToken('a DPoP access token is required', 'RFC 9449 §7.1');
  return match[1]!;
}

/** The configuration asked for, which must be one this issuer has (OpenID4VCI §8.3.1.2). */
function configurationOf(ctx: IssuerContext, body: z.infer<typeof CredentialRequest>): string {
  const id = body.credential_configuration_id ?? body.credential_identifier!;
  if (!ctx.config.credentialConfigurations[id]) {
    if (body.credential_identifier !== undefined)
      throw new UnknownCredentialIdentifier('unknown credential_identifier', 'OpenID4VCI §8.3.1.2');
    throw new UnknownCredentialConfiguration('unknown credential_configuration_id', 'OpenID4VCI §8.3.1.2');
  }
  return id;
}

/**
 * POST /credential (OpenID4VCI §8; seed 000 step 14): an SD-JWT VC per proof key, claims from the verified
 * presentation. It is a protected resource: token and DPoP errors answer 401 with a DPoP challenge (RFC 9449 §7.1).
 */
export async function handleCredential(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  // RFC 6750 §3.1: no credentials at all is answered with the bare challenge.
  if (!request.headers.has('authorization')) return authenticationRequired();
  try {
    return await issue(ctx, request);
  } catch (error) {
    if (error instanceof EngineError) return resourceErrorResponse(error);
    throw error;
  }
}

async function issue(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const token = accessToken(request);
  const sessionId = sessionOfHandle(token);
  if (!sessionId) throw new InvalidToken('unknown access token', 'RFC 6750 §3.1');
  const now = ctx.now();
  const { config, replay } = ctx;
  const dpop = await verifyDpopProof(request.headers.get('dpop'), {
    method: request.method,
    url: endpoints(config).credential,
    now,
    replay,
    keyImports: ctx.keyImports,
    accessToken: token,
    maxAgeSeconds: config.dpop.maxAgeSeconds,
  });
  const body = readRequest(request);
  const configurationId = configurationOf(ctx, body);
  const byIdentifier = body.credential_identifier !== undefined;
  // The session holds its client id and keys as pseudonyms (seed 002 §3.3): compare what the request shows in that form.
  // A session without a key was erased or retained: the engine refuses it below (invalid_token), whatever the proofs say.
  const pseudonym = await ctx.pseudonyms.known(sessionId);
  const state = await ctx.engine.load(sessionId);
  const early =
    pseudonym &&
    credentialPrecheck(state, {
      tokenHash: hashSecret(token),
      dpopJkt: pseudonym('jkt', dpop.jkt),
      configurationId,
      proofs: body.proofs.jwt.length,
      byIdentifier,
      at: now,
    });
  if (early) throw early;
  const session = contextOf(state);
  const isClientId = (iss: string) => !pseudonym || pseudonym('client_id', iss) === session.clientId;
  const proofs = await Promise.all(
    body.proofs.jwt.map((jwt) =>
      verifyProofJwt(jwt, { audience: config.publicUrl, isClientId, now, keyImports: ctx.keyImports }),
    ),
  );
  const nonce = proofs[0]!.nonce;
  if (proofs.some((proof) => proof.nonce !== nonce))
    throw new InvalidProof('every proof must carry the same c_nonce', 'OpenID4VCI §8.2');
  const nonceExpiresAt = ctx.cNonces.check(nonce, now);
  if (nonceExpiresAt === undefined) throw new InvalidNonce('c_nonce is unknown or expired', 'OpenID4VCI §7.2');
  const base = { sessionId, at: now, tokenHash: hashSecret(token), dpopJkt: dpop.jkt };
  const bound = await ctx.engine.execute({
    type: 'BindCNonce',
    eventId: ctx.ids.eventId(),
    ...base,
    nonceHash: hashSecret(nonce),
  });
  if (isLeft(bound)) return resourceErrorResponse(bound.left.error);
  // OpenID4VCI §13.8: a c_nonce is accepted once, cluster-wide.
  if (!(await replay.useOnce(`c_nonce:${nonce}`, nonceExpiresAt, now)))
    throw new InvalidNonce('c_nonce was already used', 'OpenID4VCI §13.8');
  // The state this append was decided on is current even where this instance's cache lagged.
  const current = contextOf(bound.right.state);
  const credentials = await Promise.all(
    proofs.map((proof) => buildCredential(ctx, current, configurationId, proof.jwk, now)),
  );
  const outcome = await ctx.engine.execute({
    type: 'IssueCredential',
    eventId: ctx.ids.eventId(),
    ...base,
    credentialConfigurationId: configurationId,
    ...(byIdentifier && { byIdentifier }),
    nonceHash: hashSecret(nonce),
    holderJkts: proofs.map((proof) => proof.jkt),
    credentialDigests: credentials.map((credential) => hashSecret(credential)),
  });
  if (isLeft(outcome)) return resourceErrorResponse(outcome.left.error);
  return jsonResponse(200, { credentials: credentials.map((credential) => ({ credential })) });
}

/** Unseals the presented claims, selects the credential's (I-20: `credentialClaims`) and signs the SD-JWT VC. */
async function buildCredential(
  ctx: IssuerContext,
  session: SessionContext,
  configurationId: string,
  holderJwk: object,
  now: number,
) {
  const configuration = ctx.config.credentialConfigurations[configurationId]!;
  const presented =
    session.presentation && (await ctx.sealer.unseal(session.sessionId, session.presentation.sealedClaims));
  if (!presented) throw new CredentialRequestDenied('the presented claims of this session are erased', 'seed 002 §3.3');
  const claims = credentialClaims(session, configurationId, configuration.claimMapping, presented);
  return issueSdJwtVc({
    issuer: ctx.config.publicUrl,
    signingKey: ctx.keys.credentialSigner(),
    vct: configuration.vct,
    claims,
    disclosable: configuration.disclosable,
    holderJwk,
    now,
    lifetimeSeconds: configuration.lifetimeSeconds,
  });
}
