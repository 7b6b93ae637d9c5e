import type { SessionContext } from './context.js';
import {
  AccessDenied,
  CredentialRequestDenied,
  InvalidClient,
  InvalidCredentialRequest,
  InvalidDpopProof,
  InvalidGrant,
  InvalidNonce,
  InvalidProof,
  InvalidRequest,
  InvalidSession,
  InvalidToken,
  type EngineError,
} from './errors.js';
import type { CallerProof, EventOf, EventType, SessionEvent } from './events.js';

/**
 * The fact checks of every event: pure comparisons of the event's facts with the
 * session's context. The machine decides *whether* an event type fits the current
 * state; these rules decide whether its facts are acceptable. Each refusal names
 * the requirement it enforces.
 */
type Rule<T extends EventType> = (c: SessionContext, e: EventOf<T>) => EngineError | undefined;

export type Deadline = EventOf<'Expired'>['deadline'];

function firstError(...checks: Array<() => EngineError | undefined>): EngineError | undefined {
  for (const check of checks) {
    const error = check();
    if (error) return error;
  }
  return undefined;
}

/** FiPA §5.3.1, §9.6.1 and ABCA: the auth_session is current and the caller proves the keys that opened it. */
export function callerBinding(c: SessionContext, caller: CallerProof, at: number): EngineError | undefined {
  if (caller.authSessionHash !== c.authSessionHash)
    return new InvalidSession('auth_session is not valid for this session', 'FiPA §5.3.1');
  if (at >= c.sessionExpiresAt) return new InvalidSession('auth_session has expired', 'FiPA §9.6.2 (timeout)');
  if (caller.dpopJkt !== c.dpopJkt)
    return new InvalidDpopProof('DPoP key differs from the key that opened the session', 'FiPA §9.6.1 (P-20 fixation)');
  if (caller.attestationJkt !== c.attestationJkt)
    return new InvalidClient(
      'wallet attestation differs from the one that opened the session',
      'ABCA binding; seed 000 step 4',
    );
  return undefined;
}

/** A retry may ask the policy only once the current presentation failed or timed out. */
function retryable(c: SessionContext, at: number): EngineError | undefined {
  if (c.walletError === undefined && at < c.request.expiresAt)
    return new InvalidRequest('the presentation is still pending', 'PDI-DE retry');
  return undefined;
}

/** OpenID4VP §5: a response or fetch must name the session's current, live transaction. */
function liveRequest(c: SessionContext, requestId: string, at: number): EngineError | undefined {
  if (requestId !== c.request.requestId)
    return new InvalidRequest('unknown or superseded presentation request', 'P-40');
  if (at >= c.request.expiresAt)
    return new InvalidRequest('presentation request has expired', 'OpenID4VP §13.3 (timeout)');
  if (at >= c.sessionExpiresAt) return new InvalidRequest('the session has expired', 'FiPA §9.6.2 (timeout)');
  return undefined;
}

/** OpenID4VP §5.3, P-40: a response carries the `state` of the request it answers. */
function matchingState(c: SessionContext, state: string): EngineError | undefined {
  return state === c.request.state
    ? undefined
    : new InvalidRequest('state does not match the presentation request', 'OpenID4VP §5.3; P-40');
}

/** RFC 9449 §7 and RFC 6750: the access token is this session's, live, and used with its DPoP key. */
function liveToken(c: SessionContext, tokenHash: string, dpopJkt: string, at: number): EngineError | undefined {
  if (!c.token || tokenHash !== c.token.hash) return new InvalidToken('unknown access token', 'RFC 6750 §3.1');
  if (at >= c.token.expiresAt) return new InvalidToken('access token has expired', 'RFC 6750 §3.1 (timeout)');
  if (dpopJkt !== c.dpopJkt) return new InvalidDpopProof('DPoP key differs from the token binding', 'RFC 9449 §7.1');
  return undefined;
}

/**
 * OpenID4VCI §8.2, §12.2.4; I-40: each granted configuration is issued once per grant, from one
 * key proof, or from at most `batch_size` proofs where batch issuance is advertised. A second
 * request for an issued configuration is well formed but will never be granted, so it is
 * `credential_request_denied` (§8.3.1.2: unrecoverable), while more proofs than advertised make
 * the request itself invalid (`invalid_credential_request`: an unsupported parameter value).
 */
export function issuable(c: SessionContext, configurationId: string, proofs: number): EngineError | undefined {
  if (!c.credentialConfigurationIds.includes(configurationId))
    return new InvalidCredentialRequest('credential configuration not authorized by this token', 'OpenID4VCI §8.3.1.2');
  if (Object.hasOwn(c.issued, configurationId))
    return new CredentialRequestDenied(
      'this credential was already issued under this authorization',
      'OpenID4VCI §8.2; I-40',
    );
  if (proofs > c.batchSize)
    return new InvalidCredentialRequest(
      c.batchSize === 1
        ? 'exactly one key proof is accepted: batch issuance is not offered'
        : `at most ${c.batchSize} key proofs are accepted (batch_size)`,
      'OpenID4VCI §8.2, §12.2.4',
    );
  return undefined;
}

const rules: { [T in EventType]: Rule<T> } = {
  ChallengeReceived: (_, e) =>
    e.sessionExpiresAt <= e.at || e.request.expiresAt <= e.at
      ? new InvalidRequest('deadlines must lie after the challenge', 'engine: deadlines')
      : undefined,
  PresentationRequested: (c, e) =>
    firstError(
      () => callerBinding(c, e.caller, e.at),
      () => retryable(c, e.at),
      () =>
        c.presentationAttempts >= c.maxPresentationAttempts
          ? new AccessDenied('presentation attempts exhausted', 'PDI-DE retry bound')
          : undefined,
      () =>
        e.request.expiresAt <= e.at
          ? new InvalidRequest('request deadline in the past', 'engine: deadlines')
          : undefined,
    ),
  RequestObjectRetrieved: (c, e) => liveRequest(c, e.requestId, e.at),
  PresentationVerified: (c, e) =>
    firstError(
      () => liveRequest(c, e.requestId, e.at),
      () => matchingState(c, e.state),
      () =>
        e.kbNonce !== c.request.nonce
          ? new InvalidRequest('key-binding JWT nonce does not match the request', 'P-41; OpenID4VP §14.1')
          : undefined,
      () =>
        e.kbAud !== c.request.verifierClientId
          ? new InvalidRequest('key-binding JWT audience is not this verifier', 'P-41; CF-21')
          : undefined,
      () =>
        e.pdis.expiresAt <= e.at ? new InvalidRequest('pdis deadline in the past', 'engine: deadlines') : undefined,
    ),
  WalletErrorReceived: (c, e) =>
    firstError(
      () => liveRequest(c, e.requestId, e.at),
      () => matchingState(c, e.state),
    ),
  RedirectedToWeb: (c, e) =>
    firstError(
      () => callerBinding(c, e.caller, e.at),
      () => retryable(c, e.at),
    ),
  Denied: (c, e) =>
    firstError(
      () => callerBinding(c, e.caller, e.at),
      () => retryable(c, e.at),
    ),
  AuthorizationCodeIssued: (c, e) =>
    firstError(
      () => callerBinding(c, e.caller, e.at),
      () =>
        !c.pdis || e.pdisHash !== c.pdis.hash
          ? new InvalidRequest(
              'presentation_during_issuance_session was not issued for this auth_session',
              'P-20; PDI-DE fixation',
            )
          : undefined,
      () =>
        c.pdis && e.at >= c.pdis.expiresAt
          ? new InvalidRequest('presentation_during_issuance_session has expired', 'PDI-DE (timeout)')
          : undefined,
    ),
  TokenIssued: (c, e) =>
    firstError(
      () =>
        !c.code || e.codeHash !== c.code.hash
          ? new InvalidGrant('unknown authorization code', 'RFC 6749 §5.2')
          : undefined,
      () =>
        c.code && e.at >= c.code.expiresAt
          ? new InvalidGrant('authorization code has expired', 'RFC 6749 §4.1.2 (timeout)')
          : undefined,
      () =>
        e.dpopJkt !== c.dpopJkt
          ? new InvalidDpopProof('DPoP key differs from the key that opened the session', 'RFC 9449 §10; FiPA §9.5.1')
          : undefined,
      () =>
        e.attestationJkt !== c.attestationJkt
          ? new InvalidClient('wallet attestation differs from the one that opened the session', 'ABCA binding')
          : undefined,
      () =>
        e.verifierChallenge !== c.codeChallenge
          ? new InvalidGrant('code_verifier does not match the code_challenge', 'RFC 7636 §4.6')
          : undefined,
      () =>
        c.redirectUri !== undefined && e.redirectUri !== c.redirectUri
          ? new InvalidGrant('redirect_uri differs from the authorization request', 'RFC 6749 §4.1.3')
          : undefined,
    ),
  GrantRevoked: (c, e) =>
    !c.code || e.codeHash !== c.code.hash ? new InvalidGrant('unknown authorization code', 'RFC 6749 §5.2') : undefined,
  CNonceIssued: (c, e) =>
    firstError(
      () => liveToken(c, e.tokenHash, e.dpopJkt, e.at),
      () =>
        e.nonce.expiresAt <= e.at ? new InvalidRequest('c_nonce deadline in the past', 'engine: deadlines') : undefined,
    ),
  CredentialIssued: (c, e) =>
    firstError(
      () => liveToken(c, e.tokenHash, e.dpopJkt, e.at),
      () => issuable(c, e.credentialConfigurationId, e.holderJkts.length),
      () => {
        const deadline = c.cNonces[e.nonceHash];
        return deadline === undefined || e.at >= deadline
          ? new InvalidNonce('c_nonce is unknown, used or expired', 'OpenID4VCI §7.2, §13.8')
          : undefined;
      },
      () =>
        e.holderJkts.length !== e.credentialDigests.length
          ? new InvalidCredentialRequest('one credential per proof', 'OpenID4VCI §8.2')
          : undefined,
      () =>
        c.holderContinuity && e.holderJkts.some((jkt) => jkt !== c.presentation?.holderJkt)
          ? new InvalidProof(
              'proof key differs from the holder key of the presented credential',
              'I-40; OpenID4VCI #742',
            )
          : undefined,
    ),
  Erased: () => undefined,
  Expired: (c, e) =>
    e.at < deadlineAt(c, e.deadline) ? new InvalidRequest('deadline not reached', 'engine: expiry') : undefined,
};

/** The time a named deadline falls at in this context. */
export function deadlineAt(c: SessionContext, deadline: Deadline): number {
  switch (deadline) {
    case 'session':
      return c.sessionExpiresAt;
    case 'pdis':
      return c.pdis?.expiresAt ?? Number.POSITIVE_INFINITY;
    case 'code':
      return c.code?.expiresAt ?? Number.POSITIVE_INFINITY;
    case 'token':
      return c.token?.expiresAt ?? Number.POSITIVE_INFINITY;
  }
}

/** Time never runs backwards inside a stream: nothing dated before its newest event is accepted. */
export function monotonic(c: SessionContext, at: number): EngineError | undefined {
  return at < c.lastAt
    ? new InvalidRequest("the request is dated before the session's last step", 'engine: monotonic time')
    : undefined;
}

/** Every event: same stream, and time never runs backwards. */
function streamRules(c: SessionContext, e: SessionEvent): EngineError | undefined {
  if (e.type !== 'ChallengeReceived' && e.sessionId !== c.sessionId)
    return new InvalidSession('value belongs to another session', 'P-20 fixation');
  return monotonic(c, e.at);
}

export function checkEvent(c: SessionContext, e: SessionEvent): EngineError | undefined {
  return streamRules(c, e) ?? (rules[e.type] as Rule<EventType>)(c, e);
}
