import type { SessionContext } from './context.js';
import { deadlineAhead, deadlineAt } from './deadlines.js';
import { browserStepStarted, byPage } from './browser-rules.js';
import {
  keyBindingAudience,
  presentationCarrier,
  requestFitsDialect,
  takesBrowserStep,
  viaResponseUri,
  walletErrorCarrier,
} from './dialect-rules.js';
import {
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
  firstError,
  type EngineError,
} from './errors.js';
import type { CallerProof, DataOf, EventMeta, EventType, SessionEvent } from './events.js';

/**
 * The fact checks of every event: pure comparisons of the event's facts with the session's
 * context. The machine says *whether* an event type fits the current state; these rules say
 * whether its facts are acceptable. They run once, in `decide`; a stored event is never
 * judged again when it is folded (`audit` re-runs them over a log on request). Each refusal
 * names the requirement it enforces.
 */
type Rule<T extends EventType> = (c: SessionContext, e: DataOf<T>, at: number) => EngineError | undefined;

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

/** FiPA §5.1, RFC 6749 §3.2.1: a client_id sent on a later call must be the session's client (both as pseudonyms). */
export function sameClient(c: SessionContext, clientId: string | undefined): EngineError | undefined {
  return clientId === undefined || clientId === c.clientId
    ? undefined
    : new InvalidClient('client_id differs from the client that opened the session', 'FiPA §5.1; RFC 6749 §3.2.1');
}

/** A retry may ask the policy only once the current presentation failed or timed out. */
function retryable(c: SessionContext, at: number): EngineError | undefined {
  if (c.walletError === undefined && at < c.request.expiresAt)
    return new InvalidRequest('the presentation is still pending', 'PDI-DE retry');
  return undefined;
}

/** P-40: a response names the session's current presentation request; a superseded one is dead. */
export function currentRequest(c: SessionContext, requestId: string): EngineError | undefined {
  return requestId === c.request.requestId
    ? undefined
    : new InvalidRequest('unknown or superseded presentation request', 'P-40');
}

/** OpenID4VP §5: a response or fetch must name the session's current, live transaction. */
function liveRequest(c: SessionContext, requestId: string, at: number): EngineError | undefined {
  const superseded = currentRequest(c, requestId);
  if (superseded) return superseded;
  if (at >= c.request.expiresAt)
    return new InvalidRequest('presentation request has expired', 'OpenID4VP §13.3 (timeout)');
  if (at >= c.sessionExpiresAt) return new InvalidRequest('the session has expired', 'FiPA §9.6.2 (timeout)');
  return undefined;
}

/** RFC 9449 §7 and RFC 6750: the access token is this session's, live, and used with its DPoP key. */
export function liveToken(c: SessionContext, tokenHash: string, dpopJkt: string, at: number): EngineError | undefined {
  if (!c.token || tokenHash !== c.token.hash) return new InvalidToken('unknown access token', 'RFC 6750 §3.1');
  if (at >= c.token.expiresAt) return new InvalidToken('access token has expired', 'RFC 6750 §3.1 (timeout)');
  if (dpopJkt !== c.dpopJkt) return new InvalidDpopProof('DPoP key differs from the token binding', 'RFC 9449 §7.1');
  return undefined;
}

/** OpenID4VCI §8.2: a credential_identifier names a credential of the token's authorization_details, so only such a token takes one. */
export function identifierAllowed(c: SessionContext, byIdentifier: boolean | undefined): EngineError | undefined {
  return byIdentifier && !c.authorizationDetails
    ? new InvalidCredentialRequest(
        'credential_identifier is only for tokens issued with authorization_details',
        'OpenID4VCI §8.2',
      )
    : undefined;
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

/** The rules of each event's facts. The caller binding of challenge follow-ups is `callerBinding`, checked once per call. */
const rules: { [T in EventType]: Rule<T> } = {
  ChallengeReceived: (_, e, at) =>
    firstError(
      () =>
        e.sessionExpiresAt <= at || e.request.expiresAt <= at
          ? new InvalidRequest('deadlines must lie after the challenge', 'engine: deadlines')
          : undefined,
      () => requestFitsDialect({ dialect: e.dialect ?? 'L' }, e.request),
      () =>
        e.browserStepOffered && (e.dialect ?? 'L') === 'L'
          ? new InvalidRequest('the seed flow has no browser step to offer', 'PDI-DE; protocol-ia.md §7')
          : undefined,
      () =>
        // FiPA §5.2.2.1.1, protocol-ia.md §5: a request_uri only to a wallet that offered the step and sent PKCE.
        e.browserStep && (!e.browserStepOffered || e.codeChallenge === undefined)
          ? new InvalidRequest('the browser step needs the offered type and PKCE', 'FiPA §5.2.2.1.1; protocol-ia.md §5')
          : undefined,
      () => (e.browserStep ? deadlineAhead(at, e.browserStep.expiresAt, 'request_uri') : undefined),
      () =>
        // Issue 15, RFC 9126 §2: a pushed authorization request goes to the browser, with its redirect_uri.
        e.dialect === 'B' && (!e.browserStep || e.redirectUri === undefined)
          ? new InvalidRequest('a pushed authorization request continues in the browser', 'RFC 9126 §2; issue 15')
          : undefined,
    ),
  PresentationRequested: (c, e, at) =>
    firstError(
      () => retryable(c, at),
      () => deadlineAhead(at, e.request.expiresAt, 'request'),
      () => requestFitsDialect(c, e.request),
    ),
  RequestObjectRetrieved: (c, e, at) =>
    viaResponseUri(c)
      ? liveRequest(c, e.requestId, at)
      : new InvalidRequest('in this dialect the request goes by value', 'protocol-ia.md §4'),
  PresentationVerified: (c, e, at) =>
    firstError(
      () => liveRequest(c, e.requestId, at),
      () => presentationCarrier(c, e, at),
      () =>
        e.kbNonce !== c.request.nonce
          ? new InvalidRequest('key-binding JWT nonce does not match the request', 'P-41; OpenID4VP §14.1')
          : undefined,
      () => keyBindingAudience(c, e.kbAud),
    ),
  WalletErrorReceived: (c, e, at) =>
    firstError(
      () => liveRequest(c, e.requestId, at),
      () => walletErrorCarrier(c, e),
    ),
  RedirectedToWeb: (c, _, at) =>
    firstError(
      () => retryable(c, at),
      () =>
        c.dialect === 'L'
          ? undefined
          : new InvalidRequest('in this dialect the browser step is part of the session', 'protocol-ia.md §5'),
    ),
  BrowserStepOffered: (c, e, at) =>
    firstError(
      () => retryable(c, at),
      () =>
        !takesBrowserStep(c)
          ? new InvalidRequest('the browser step needs the offered type and PKCE', 'FiPA §5.2.2.1.1; protocol-ia.md §5')
          : undefined,
      () => deadlineAhead(at, e.requestUri.expiresAt, 'request_uri'),
    ),
  BrowserStepStarted: browserStepStarted,
  Denied: (c, e, at) =>
    firstError(
      () => retryable(c, at),
      () => byPage(c, e.caller === undefined),
      () =>
        (e.reason === 'browser_refused') !== (e.caller === undefined)
          ? new InvalidRequest('only the browser step is refused by its page', 'issue 15')
          : undefined,
    ),
  AuthorizationCodeIssued: (c, e, at) =>
    firstError(
      () => byPage(c, e.caller === undefined),
      () =>
        !c.pdis || e.pdisHash !== c.pdis.hash
          ? new InvalidRequest(
              'presentation_during_issuance_session was not issued for this auth_session',
              'P-20; PDI-DE fixation',
            )
          : undefined,
      () =>
        c.pdis && at >= c.pdis.expiresAt
          ? new InvalidRequest('presentation_during_issuance_session has expired', 'PDI-DE (timeout)')
          : undefined,
    ),
  TokenIssued: (c, e, at) =>
    firstError(
      () =>
        !c.code || e.codeHash !== c.code.hash
          ? new InvalidGrant('unknown authorization code', 'RFC 6749 §5.2')
          : undefined,
      () =>
        c.code && at >= c.code.expiresAt
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
  CNonceBound: (c, e, at) =>
    firstError(
      () => liveToken(c, e.tokenHash, e.dpopJkt, at),
      () => deadlineAhead(at, e.nonce.expiresAt, 'c_nonce'),
    ),
  CredentialIssued: (c, e, at) =>
    firstError(
      () => liveToken(c, e.tokenHash, e.dpopJkt, at),
      () => issuable(c, e.credentialConfigurationId, e.holderJkts.length),
      () => {
        const deadline = c.cNonces[e.nonceHash];
        return deadline === undefined || at >= deadline
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
  Expired: (c, e, at) =>
    at < deadlineAt(c, e.deadline) ? new InvalidRequest('deadline not reached', 'engine: expiry') : undefined,
};

/** Time never runs backwards inside a stream: nothing dated before its newest event is accepted. */
export function monotonic(c: SessionContext, at: number): EngineError | undefined {
  return at < c.lastAt
    ? new InvalidRequest("the request is dated before the session's last step", 'engine: monotonic time')
    : undefined;
}

/** P-20 fixation: every event after the first belongs to the stream's session. */
function sameSession(c: SessionContext, type: EventType, meta: EventMeta): EngineError | undefined {
  return type !== 'ChallengeReceived' && meta.sessionId !== c.sessionId
    ? new InvalidSession('value belongs to another session', 'P-20 fixation')
    : undefined;
}

/** The facts of one event, for `decide`: its stream, then its type's rules (time and caller were checked per command). */
export function checkFacts(c: SessionContext, e: SessionEvent): EngineError | undefined {
  return sameSession(c, e.type, e.meta) ?? (rules[e.type] as Rule<EventType>)(c, e.data, e.meta.at);
}

/** Every rule of one event, as `decide` would run them today: for `audit`. */
export function checkEvent(c: SessionContext, e: SessionEvent): EngineError | undefined {
  const caller = 'caller' in e.data ? e.data.caller : undefined;
  return monotonic(c, e.meta.at) ?? (caller && callerBinding(c, caller, e.meta.at)) ?? checkFacts(c, e);
}
