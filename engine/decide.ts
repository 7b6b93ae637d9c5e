import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Command, ContinueChallenge, RedeemCode } from './commands.js';
import type { EngineConfig } from './config.js';
import {
  CredentialRequestDenied,
  EngineError,
  InvalidGrant,
  InvalidRequest,
  InvalidSession,
  InvalidToken,
} from './errors.js';
import { SCHEMA_VERSION, SessionEvent } from './events.js';
import { callerBinding, checkEvent, monotonic } from './rules.js';
import { contextOf, handles, nextDeadline, stateName, tryApply, type SessionState } from './state.js';

/** An accepted command: the event to append (null when the answer needs none) and the state after it. */
export interface Accepted {
  event: SessionEvent | null;
  state: SessionState;
}
/** A refused command. It changes nothing, except a replayed code, whose effect revokes the grant. */
export interface Rejection {
  error: EngineError;
  effect?: { event: SessionEvent; state: SessionState };
}
export type Decision = Either<Rejection, Accepted>;

const RETRY_STATES = new Set(['presentationRequired', 'requestRetrieved', 'walletErrored']);

function envelope(command: Command) {
  return { v: SCHEMA_VERSION, id: command.eventId, sessionId: command.sessionId, at: command.at } as const;
}

/** The follow-up challenge call: a code for a verified presentation, or the retry policy. */
function continueChallenge(
  state: SessionState,
  cmd: ContinueChallenge,
  config: EngineConfig,
): SessionEvent | EngineError | null {
  const name = stateName(state);
  const c = contextOf(state);
  if (!RETRY_STATES.has(name) && name !== 'presentationVerified')
    return new InvalidSession('auth_session is unknown or finished', 'FiPA §5.2.2.1');
  const binding = callerBinding(c, cmd.caller, cmd.at);
  if (binding) return binding;
  const { at } = cmd;
  if (cmd.pdisHash !== undefined) {
    if (name !== 'presentationVerified')
      return new InvalidRequest('no verified presentation for this auth_session', 'P-20; PDI-DE fixation');
    const code = { hash: cmd.codeHash, expiresAt: at + config.lifetimes.code };
    return { ...envelope(cmd), type: 'AuthorizationCodeIssued', caller: cmd.caller, pdisHash: cmd.pdisHash, code };
  }
  if (name === 'presentationVerified')
    return new InvalidRequest('presentation_during_issuance_session is required', 'PDI-DE');
  const requestExpired = at >= c.request.expiresAt;
  if (c.walletError === undefined && !requestExpired) return null;
  const exhausted = c.presentationAttempts >= c.maxPresentationAttempts;
  const outcome = exhausted
    ? 'access_denied'
    : config.onRetry({
        attempts: c.presentationAttempts,
        maxAttempts: c.maxPresentationAttempts,
        ...(c.walletError && { walletError: c.walletError }),
        requestExpired,
      });
  switch (outcome) {
    case 'new_request':
      return {
        ...envelope(cmd),
        type: 'PresentationRequested',
        caller: cmd.caller,
        rotatedAuthSessionHash: cmd.retry.authSessionHash,
        request: { ...cmd.retry.request, expiresAt: at + config.lifetimes.request },
      };
    case 'redirect_to_web':
      return { ...envelope(cmd), type: 'RedirectedToWeb', caller: cmd.caller };
    case 'access_denied':
      return {
        ...envelope(cmd),
        type: 'Denied',
        caller: cmd.caller,
        reason: exhausted ? 'attempts_exhausted' : 'policy',
      };
  }
}

/** The candidate event a command would append, with deadlines from the configured lifetimes. */
function candidate(state: SessionState, cmd: Command, config: EngineConfig): SessionEvent | EngineError | null {
  const { lifetimes } = config;
  const base = envelope(cmd);
  switch (cmd.type) {
    case 'StartChallenge': {
      const { type: _, eventId: __, request, ...facts } = cmd;
      return {
        ...base,
        ...facts,
        type: 'ChallengeReceived',
        sessionExpiresAt: cmd.at + lifetimes.session,
        policy: {
          holderContinuity: config.holderContinuity,
          maxPresentationAttempts: config.maxPresentationAttempts,
          ...(config.batchSize !== undefined && { batchSize: config.batchSize }),
        },
        request: { ...request, expiresAt: cmd.at + lifetimes.request },
      };
    }
    case 'ContinueChallenge':
      return continueChallenge(state, cmd, config);
    case 'RetrieveRequestObject':
      return { ...base, type: 'RequestObjectRetrieved', requestId: cmd.requestId };
    case 'SubmitPresentation': {
      const { type: _, eventId: __, sessionId: ___, at: ____, pdisHash, ...facts } = cmd;
      return {
        ...base,
        ...facts,
        type: 'PresentationVerified',
        pdis: { hash: pdisHash, expiresAt: cmd.at + lifetimes.pdis },
      };
    }
    case 'SubmitWalletError': {
      const { type: _, eventId: __, sessionId: ___, at: ____, ...facts } = cmd;
      return { ...base, ...facts, type: 'WalletErrorReceived' };
    }
    case 'RedeemCode': {
      const { type: _, eventId: __, sessionId: ___, at: ____, tokenHash, ...facts } = cmd;
      return {
        ...base,
        ...facts,
        type: 'TokenIssued',
        token: { hash: tokenHash, expiresAt: cmd.at + lifetimes.token },
      };
    }
    case 'IssueCNonce':
      return {
        ...base,
        type: 'CNonceIssued',
        tokenHash: cmd.tokenHash,
        dpopJkt: cmd.dpopJkt,
        nonce: { hash: cmd.nonceHash, expiresAt: cmd.at + lifetimes.cNonce },
      };
    case 'IssueCredential': {
      const { type: _, eventId: __, sessionId: ___, at: ____, ...facts } = cmd;
      return { ...base, ...facts, type: 'CredentialIssued' };
    }
    case 'Expire': {
      const due = nextDeadline(state);
      return due
        ? { ...base, type: 'Expired', deadline: due.deadline }
        : new InvalidRequest('nothing to expire', 'engine: expiry');
    }
    case 'Erase':
      return { ...base, type: 'Erased' };
  }
}

/** RFC 6749 §4.1.2: a code presented a second time is refused and the grant it produced is revoked. */
function codeReplay(state: SessionState, cmd: RedeemCode): Decision {
  const error = new InvalidGrant('authorization code was already used; its grant is revoked', 'RFC 6749 §4.1.2');
  const event: SessionEvent = { ...envelope(cmd), type: 'GrantRevoked', codeHash: cmd.codeHash, reason: 'code_replay' };
  const next =
    handles(state, 'GrantRevoked') && checkEvent(contextOf(state), event) === undefined && tryApply(state, event);
  if (!next) return left({ error: new InvalidGrant('unknown, expired or used authorization code', 'RFC 6749 §5.2') });
  return left({ error, effect: { event, state: next } });
}

const OUT_OF_ORDER: Record<Command['type'], () => EngineError> = {
  StartChallenge: () => new InvalidRequest('session already exists', 'engine: new session ids'),
  ContinueChallenge: () => new InvalidSession('auth_session is unknown or finished', 'FiPA §5.2.2.1'),
  RetrieveRequestObject: () =>
    new InvalidRequest('request object already retrieved or not pending', 'OpenID4VP §13.3 (single use)'),
  SubmitPresentation: () =>
    new InvalidRequest('no pending presentation for this request', 'OpenID4VP §13.3 (single use)'),
  SubmitWalletError: () =>
    new InvalidRequest('no pending presentation for this request', 'OpenID4VP §13.3 (single use)'),
  RedeemCode: () => new InvalidGrant('unknown, expired or used authorization code', 'RFC 6749 §5.2'),
  IssueCNonce: () => new InvalidToken('no live access token for this session', 'RFC 6750 §3.1'),
  IssueCredential: () => new InvalidToken('no live access token for this session', 'RFC 6750 §3.1'),
  Expire: () => new InvalidRequest('nothing to expire', 'engine: expiry'),
  Erase: () => new InvalidRequest('the session has already ended', 'seed 002 §3.3'),
};

/** decide(command, state): the one event to append, or a typed rejection. Pure. */
export function decide(state: SessionState, command: Command, config: EngineConfig): Decision {
  const late = monotonic(contextOf(state), command.at);
  if (late) return left({ error: late });
  const event = candidate(state, command, config);
  if (event instanceof EngineError) return left({ error: event });
  if (event === null) return right({ event: null, state });
  const parsed = SessionEvent.safeParse(event);
  // The public description names no internal event or field: only the rule (never sent) does.
  if (!parsed.success)
    return left({
      error: new InvalidRequest(
        'a value of the request is malformed or too long',
        `engine: ${event.type} schema at ${parsed.error.issues[0]?.path.join('.')}`,
      ),
    });
  return decideEvent(state, command, parsed.data);
}

/** OpenID4VCI §8.3.1.2; I-40: once every granted credential is issued, the token's holder learns that the grant is used up. */
function grantUsedUp(state: SessionState, command: Command): EngineError | undefined {
  if (stateName(state) !== 'completed' || (command.type !== 'IssueCNonce' && command.type !== 'IssueCredential'))
    return undefined;
  if (command.tokenHash !== contextOf(state).token?.hash) return undefined;
  return new CredentialRequestDenied('every credential of this authorization was issued', 'OpenID4VCI §8.2; I-40');
}

function decideEvent(state: SessionState, command: Command, event: SessionEvent): Decision {
  if (!handles(state, event.type)) {
    if (command.type === 'RedeemCode') return codeReplay(state, command);
    return left({ error: grantUsedUp(state, command) ?? OUT_OF_ORDER[command.type]() });
  }
  const refused = checkEvent(contextOf(state), event);
  if (refused) return left({ error: refused });
  const next = tryApply(state, event);
  if (!next) return left({ error: OUT_OF_ORDER[command.type]() });
  return right({ event, state: next });
}
