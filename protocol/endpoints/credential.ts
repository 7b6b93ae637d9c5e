import { isLeft } from 'fp-ts/lib/Either.js';
import { hashSecret } from '../handles.js';
import { verifyDpopProof } from '../oauth2/dpop.js';
import { buildCredentials } from '../openid4vci/credential-build.js';
import { configurationOf, parseCredentialRequest, readAccessToken } from '../openid4vci/credential-request.js';
import { verifyKeyProofs } from '../openid4vci/key-proofs.js';
import { readCredentialRequestBody } from '../openid4vci/request-encryption.js';
import { encryptedResponse, responseEncryptionOf } from '../openid4vci/response-encryption.js';
import { EngineError, InvalidNonce, contextOf, credentialPrecheck } from '../../engine/index.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import {
  authenticationRequired,
  jsonResponse,
  resourceErrorResponse,
  type ProtocolRequest,
  type ProtocolResponse,
} from '../messages.js';

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
  const { config, replay, keyImports } = ctx;
  const now = ctx.now();
  // Parse and verify: the token, its DPoP proof, then the request.
  const { token, sessionId } = readAccessToken(request);
  const dpop = await verifyDpopProof(request.headers.get('dpop'), {
    method: request.method,
    url: endpoints(config).credential,
    now,
    replay,
    keyImports,
    accessToken: token,
    maxAgeSeconds: config.dpop.maxAgeSeconds,
  });
  // OpenID4VCI 1.0 §8.2, §10 (seed P-10): the request, decrypted when encrypted; the response encryption it asks for.
  const required = config.credentialResponseEncryption.required;
  const { json, encrypted } = await readCredentialRequestBody(request, {
    keys: ctx.keys,
    encryptionRequired: required,
  });
  const body = parseCredentialRequest(json);
  const encryption = await responseEncryptionOf(body.credential_response_encryption, { encrypted, required });
  const configurationId = configurationOf(config.credentialConfigurations, body);
  const configuration = config.credentialConfigurations[configurationId]!;
  const byIdentifier = body.credential_identifier !== undefined;
  // The session holds its client id and keys as pseudonyms (seed 002 §3.3): compare what the request shows in that form.
  // A session without a key was erased or retained: the engine refuses it below (invalid_token), whatever the proofs say.
  const pseudonym = await ctx.pseudonyms.known(sessionId);
  const ask = pseudonym && {
    tokenHash: hashSecret(token),
    dpopJkt: pseudonym('jkt', dpop.jkt),
    configurationId,
    // App. F.3: an attestation proof's keys are counted once it is verified (below).
    proofs: 'jwt' in body.proofs ? body.proofs.jwt.length : 1,
    byIdentifier,
    at: now,
  };
  let state = await ctx.engine.load(sessionId);
  // A refusal seen on the cached state is confirmed on a fresh read (another instance may have revoked the grant).
  if (ask && credentialPrecheck(state, ask)) state = await ctx.engine.load(sessionId, { fresh: true });
  const early = ask && credentialPrecheck(state, ask);
  if (early) throw early;
  const { clientId, dialect } = contextOf(state);
  const isClientId = (iss: string) => !pseudonym || pseudonym('client_id', iss) === clientId;
  const { keys: proofs, nonce } = await verifyKeyProofs(body.proofs, {
    // OpenID4VCI App. F.1: the proof names the credential issuer the wallet found, the second identifier in S1/S2 (issue 13 §2).
    audience: dialect === 'S1' || dialect === 'S2' ? endpoints(config).iaeIssuer : config.publicUrl,
    isClientId,
    // Seed I-50: the configuration's key attestation policy, the key attesters we trust.
    policy: configuration.keyAttestation,
    trustedKeyAttesters: ctx.trustedKeyAttesters,
    now,
    keyImports,
  });
  // §8.3: one credential per attested key, within the batch size, refused before the c_nonce is spent.
  const tooMany = ask && ask.proofs !== proofs.length && credentialPrecheck(state, { ...ask, proofs: proofs.length });
  if (tooMany) throw tooMany;
  const nonceExpiresAt = ctx.cNonces.check(nonce, now);
  if (nonceExpiresAt === undefined) throw new InvalidNonce('c_nonce is unknown or expired', 'OpenID4VCI §7.2');
  // Command and execute: bind the c_nonce, use it once, build the credentials, record their issuance.
  const base = { sessionId, at: now, tokenHash: hashSecret(token), dpopJkt: dpop.jkt, nonceHash: hashSecret(nonce) };
  const bound = await ctx.engine.execute({ type: 'BindCNonce', eventId: ctx.ids.eventId(), ...base });
  if (isLeft(bound)) return resourceErrorResponse(bound.left.error);
  // OpenID4VCI §13.8: a c_nonce is accepted once, cluster-wide.
  if (!(await replay.useOnce(`c_nonce:${nonce}`, nonceExpiresAt, now)))
    throw new InvalidNonce('c_nonce was already used', 'OpenID4VCI §13.8');
  const credentials = await buildCredentials({
    sealer: ctx.sealer,
    signingKey: ctx.keys.credentialSigner(),
    issuer: config.publicUrl,
    // The state this append was decided on is current even where this instance's cache lagged.
    session: contextOf(bound.right.state),
    configurationId,
    configuration,
    holderJwks: proofs.map((proof) => proof.jwk),
    statusFor: () => ctx.statusLists.allocate(sessionId),
    now,
  });
  const outcome = await ctx.engine.execute({
    type: 'IssueCredential',
    eventId: ctx.ids.eventId(),
    ...base,
    credentialConfigurationId: configurationId,
    ...(byIdentifier && { byIdentifier }),
    holderJkts: proofs.map((proof) => proof.jkt),
    credentialDigests: credentials.map((credential) => hashSecret(credential)),
  });
  // Answer.
  if (isLeft(outcome)) return resourceErrorResponse(outcome.left.error);
  const answer = { credentials: credentials.map((credential) => ({ credential })) };
  // §8.3: encrypted when asked for, whatever the content; error responses never are.
  return encryption ? encryptedResponse(encryption, answer) : jsonResponse(200, answer);
}
