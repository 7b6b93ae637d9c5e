import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Command, CompleteBrowserStep, ContinueChallenge, RedeemCode } from './commands.js';
import type { EngineConfig } from './config.js';
import {
  CredentialRequestDenied,
  EngineError,
  InvalidGrant,
  InvalidRequest,
  InvalidSession,
  InvalidToken,
} from './errors.js';
import type { SessionContext } from './context.js';
import { SCHEMA_VERSION, SessionEvent, type EventMeta } from './events.js';
import { FINAL_STATES } from './machine.js';
import { sameDialect, takesBrowserStep } from './dialect-rules.js';
import { byPage } from './browser-rules.js';
import { callerBinding, checkFacts, identifierAllowed, monotonic, sameClient } from './rules.js';
import { advance, contextOf, handles, nextDeadline, stateName, type SessionState } from './state.js';

/**
 * The result of deciding a command. Accepted: the event to append (null when the answer needs
 * none) and the state after it; `replayed` when the runtime answered an idempotent retry from
 * the stream. Refused: the error, which changes nothing, except a replayed code, whose effect
 * (the event and the state after it) revokes the grant.
 */
export type Decision = Either<
  { error: EngineError; effect?: { event: SessionEvent; state: SessionState } },
  { event: SessionEvent | null; state: SessionState; replayed: boolean }
>;

const RETRY_STATES = new Set(['presentationRequired', 'requestRetrieved', 'walletErrored']);

function metaOf(command: Command): EventMeta {
  return { v: SCHEMA_VERSION, id: command.eventId, sessionId: command.sessionId, at: command.at };
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
  // FiPA §5.3.1, §9.6.1, ABCA: checked once per call, whatever the call leads to.
  const binding = callerBinding(c, cmd.caller, cmd.at);
  if (binding) return binding;
  const { at } = cmd;
  const meta = metaOf(cmd);
  if (cmd.presentation !== undefined) {
    if (name !== 'presentationRequired')
      return new InvalidRequest('no pending presentation for this auth_session', 'OpenID4VP §13.3 (single use)');
    const code = { hash: cmd.codeHash, expiresAt: at + config.lifetimes.code };
    return { type: 'PresentationVerified', data: { ...cmd.presentation, caller: cmd.caller, code }, meta };
  }
  if (cmd.pdisHash !== undefined) {
    if (name !== 'presentationVerified')
      return new InvalidRequest('no verified presentation for this auth_session', 'P-20; PDI-DE fixation');
    const code = { hash: cmd.codeHash, expiresAt: at + config.lifetimes.code };
    return { type: 'AuthorizationCodeIssued', data: { caller: cmd.caller, pdisHash: cmd.pdisHash, code }, meta };
  }
  if (name === 'presentationVerified')
    return new InvalidRequest('presentation_during_issuance_session is required', 'PDI-DE');
  const requestExpired = at >= c.request.expiresAt;
  if (c.walletError === undefined && !requestExpired) return null;
  // PDI-DE retry bound: once the attempts are used up the session is denied, whatever the policy would say.
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
        type: 'PresentationRequested',
        data: {
          caller: cmd.caller,
          rotatedAuthSessionHash: cmd.retry.authSessionHash,
          request: { ...cmd.retry.request, expiresAt: at + config.lifetimes.request },
        },
        meta,
      };
    case 'redirect_to_web':
      return browserStep(c, cmd, config, meta);
    case 'access_denied':
      return {
        type: 'Denied',
        data: { caller: cmd.caller, reason: exhausted ? 'attempts_exhausted' : 'policy' },
        meta,
      };
  }
}

/**
 * The policy's browser step. L: FiPA's `redirect_to_web` error replaces the flow (the session
 * ends). S1/S2/S3: one more step of this session (protocol-ia.md §5), offered only when the
 * wallet offered it and sent a code_challenge, since the AS MUST NOT hand out a request_uri
 * without PKCE (FiPA §5.2.2.1.1; protocol-ia.md §2.2); otherwise the session is denied.
 */
function browserStep(c: SessionContext, cmd: ContinueChallenge, config: EngineConfig, meta: EventMeta): SessionEvent {
  if (c.dialect === 'L') return { type: 'RedirectedToWeb', data: { caller: cmd.caller }, meta };
  if (!takesBrowserStep(c) || cmd.browserStep === undefined)
    return { type: 'Denied', data: { caller: cmd.caller, reason: 'no_browser_step' }, meta };
  return {
    type: 'BrowserStepOffered',
    data: {
      caller: cmd.caller,
      rotatedAuthSessionHash: cmd.retry.authSessionHash,
      requestUri: { hash: cmd.browserStep.requestUriHash, expiresAt: cmd.at + config.lifetimes.request },
    },
    meta,
  };
}

/**
 * Issue 15: how the browser step ends, asked by its page (which proves its handle, not a key): the code
 * once the presentation is verified, `access_denied` once it failed or timed out, nothing while it waits.
 */
function completeBrowserStep(
  state: SessionState,
  cmd: CompleteBrowserStep,
  config: EngineConfig,
): SessionEvent | EngineError | null {
  const c = contextOf(state);
  const name = stateName(state);
  const meta = metaOf(cmd);
  if (!c.browser || cmd.pageHash !== c.browser.page.hash)
    return new InvalidRequest('this page is not the browser step of the session', 'issue 15; P-20');
  if (cmd.at >= c.browser.page.expiresAt) return new InvalidRequest('the browser step has expired', 'issue 15');
  const waiting = name === 'presentationRequired' || name === 'requestRetrieved';
  if (name === 'presentationVerified') {
    const code = { hash: cmd.codeHash, expiresAt: cmd.at + config.lifetimes.code };
    return { type: 'AuthorizationCodeIssued', data: { pdisHash: cmd.pageHash, code }, meta };
  }
  if (name === 'walletErrored' || (waiting && cmd.at >= c.request.expiresAt))
    return { type: 'Denied', data: { reason: 'browser_refused' }, meta };
  return waiting ? null : new InvalidRequest('the browser step is over', 'issue 15');
}

/** The candidate event a command would append, with deadlines from the configured lifetimes. */
function candidate(state: SessionState, cmd: Command, config: EngineConfig): SessionEvent | EngineError | null {
  const { lifetimes } = config;
  const meta = metaOf(cmd);
  switch (cmd.type) {
    case 'StartChallenge': {
      const { type: _, eventId: __, sessionId: ___, at: ____, request, browserStep, ...facts } = cmd;
      const data = {
        ...facts,
        ...(browserStep && {
          browserStep: { hash: browserStep.requestUriHash, expiresAt: cmd.at + lifetimes.request },
        }),
        sessionExpiresAt: cmd.at + lifetimes.session,
        policy: {
          holderContinuity: config.holderContinuity,
          maxPresentationAttempts: config.maxPresentationAttempts,
          ...(config.batchSize !== undefined && { batchSize: config.batchSize }),
        },
        request: { ...request, expiresAt: cmd.at + lifetimes.request },
      };
      return { type: 'ChallengeReceived', data, meta };
    }
    case 'ContinueChallenge':
      return continueChallenge(state, cmd, config);
    case 'RetrieveRequestObject':
      return { type: 'RequestObjectRetrieved', data: { requestId: cmd.requestId }, meta };
    case 'SubmitPresentation': {
      const { type: _, eventId: __, sessionId: ___, at: ____, pdisHash, ...facts } = cmd;
      // Issue 15: in the browser step the page's handle is the pdis (the wallet gets none).
      const pdis = { hash: contextOf(state).browser?.page.hash ?? pdisHash, expiresAt: cmd.at + lifetimes.pdis };
      return { type: 'PresentationVerified', data: { ...facts, pdis }, meta };
    }
    case 'SubmitWalletError': {
      const { type: _, eventId: __, sessionId: ___, at: ____, ...facts } = cmd;
      return { type: 'WalletErrorReceived', data: facts, meta };
    }
    case 'StartBrowserStep': {
      const page = { hash: cmd.pageHash, expiresAt: cmd.at + lifetimes.session };
      const request = { ...cmd.request, expiresAt: cmd.at + lifetimes.request };
      const data = { requestUriHash: cmd.requestUriHash, page, request, redirectUri: cmd.redirectUri };
      return { type: 'BrowserStepStarted', data, meta };
    }
    case 'CompleteBrowserStep':
      return completeBrowserStep(state, cmd, config);
    case 'RedeemCode': {
      const { type: _, eventId: __, sessionId: ___, at: ____, clientId: _____, tokenHash, ...facts } = cmd;
      const token = { hash: tokenHash, expiresAt: cmd.at + lifetimes.token };
      return { type: 'TokenIssued', data: { ...facts, token }, meta };
    }
    case 'BindCNonce': {
      const nonce = { hash: cmd.nonceHash, expiresAt: cmd.at + lifetimes.cNonce };
      return { type: 'CNonceBound', data: { tokenHash: cmd.tokenHash, dpopJkt: cmd.dpopJkt, nonce }, meta };
    }
    case 'IssueCredential': {
      const { type: _, eventId: __, sessionId: ___, at: ____, byIdentifier: _____, ...facts } = cmd;
      return { type: 'CredentialIssued', data: facts, meta };
    }
    case 'Expire': {
      const due = nextDeadline(state);
      return due
        ? { type: 'Expired', data: { deadline: due.deadline }, meta }
        : new InvalidRequest('nothing to expire', 'engine: expiry');
    }
    case 'Erase':
      return { type: 'Erased', data: {}, meta };
  }
}

/** The rules of a command that its event does not record: checked once, before the event is built. */
function commandRules(state: SessionState, cmd: Command): EngineError | undefined {
  const c = contextOf(state);
  // A session that never started or has ended is refused below by its own rule, whatever the client.
  const live = state.version > 0 && !(FINAL_STATES as readonly string[]).includes(stateName(state));
  switch (cmd.type) {
    case 'ContinueChallenge':
      return live ? (sameClient(c, cmd.clientId) ?? sameDialect(c, cmd) ?? byPage(c, false)) : undefined;
    case 'RedeemCode':
      return live ? sameClient(c, cmd.clientId) : undefined;
    case 'SubmitWalletError':
      return live && cmd.caller ? (callerBinding(c, cmd.caller, cmd.at) ?? byPage(c, false)) : undefined;
    case 'IssueCredential':
      return identifierAllowed(c, cmd.byIdentifier);
    default:
      return undefined;
  }
}

/** RFC 6749 §4.1.2: a code presented a second time is refused and the grant it produced is revoked. */
function codeReplay(state: SessionState, cmd: RedeemCode): Decision {
  const error = new InvalidGrant('authorization code was already used; its grant is revoked', 'RFC 6749 §4.1.2');
  const event: SessionEvent = {
    type: 'GrantRevoked',
    data: { codeHash: cmd.codeHash, reason: 'code_replay' },
    meta: metaOf(cmd),
  };
  if (!handles(state, 'GrantRevoked') || checkFacts(contextOf(state), event))
    return left({ error: new InvalidGrant('unknown, expired or used authorization code', 'RFC 6749 §5.2') });
  return left({ error, effect: { event, state: advance(state, event) } });
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
  StartBrowserStep: () => new InvalidRequest('request_uri is unknown, used or expired', 'RFC 9126 §4; issue 15'),
  CompleteBrowserStep: () => new InvalidRequest('the browser step is over', 'issue 15'),
  RedeemCode: () => new InvalidGrant('unknown, expired or used authorization code', 'RFC 6749 §5.2'),
  BindCNonce: () => new InvalidToken('no live access token for this session', 'RFC 6750 §3.1'),
  IssueCredential: () => new InvalidToken('no live access token for this session', 'RFC 6750 §3.1'),
  Expire: () => new InvalidRequest('nothing to expire', 'engine: expiry'),
  Erase: () => new InvalidRequest('the session has already ended', 'seed 002 §3.3'),
};

/** OpenID4VCI §8.3.1.2; I-40: once every granted credential is issued, the token's holder learns that the grant is used up. */
function grantUsedUp(state: SessionState, command: Command): EngineError | undefined {
  if (stateName(state) !== 'completed' || (command.type !== 'BindCNonce' && command.type !== 'IssueCredential'))
    return undefined;
  if (command.tokenHash !== contextOf(state).token?.hash) return undefined;
  return new CredentialRequestDenied('every credential of this authorization was issued', 'OpenID4VCI §8.2; I-40');
}

/**
 * decide(command, state): the one event to append, or a typed refusal. Pure. Every rule runs
 * here, once: time, the command's own rules, the event's schema, the machine's structure, the
 * event's facts. The state after the event is then `evolve`d, which asks no rule again.
 */
export function decide(state: SessionState, command: Command, config: EngineConfig): Decision {
  const refused = monotonic(contextOf(state), command.at) ?? commandRules(state, command);
  if (refused) return left({ error: refused });
  const event = candidate(state, command, config);
  if (event instanceof EngineError) return left({ error: event });
  if (event === null) return right({ event: null, state, replayed: false });
  const parsed = SessionEvent.safeParse(event);
  // The public description names no internal event or field: only the rule (never sent) does.
  if (!parsed.success)
    return left({
      error: new InvalidRequest(
        'a value of the request is malformed or too long',
        `engine: ${event.type} schema at ${parsed.error.issues[0]?.path.join('.')}`,
      ),
    });
  const accepted = parsed.data;
  if (!handles(state, accepted.type)) {
    if (command.type === 'RedeemCode') return codeReplay(state, command);
    return left({ error: grantUsedUp(state, command) ?? OUT_OF_ORDER[command.type]() });
  }
  const error = checkFacts(contextOf(state), accepted);
  if (error) return left({ error });
  return right({ event: accepted, state: advance(state, accepted), replayed: false });
}
