import type { SessionContext } from './context.js';
import type { DataOf, EventMeta, EventType, SessionEvent } from './events.js';

/** Outstanding c_nonces kept per session; the oldest is dropped beyond this. */
export const MAX_OUTSTANDING_C_NONCES = 16;

/** How one event's facts change the context. Total: a stored event is a fact and always applies. */
type Evolver<T extends EventType> = (context: SessionContext, e: DataOf<T>, meta: EventMeta) => SessionContext;

const evolvers: { [T in EventType]: Evolver<T> } = {
  ChallengeReceived: (_, e, meta) => ({
    sessionId: meta.sessionId,
    dialect: e.dialect ?? 'L',
    lastAt: meta.at,
    clientId: e.clientId,
    credentialConfigurationIds: e.credentialConfigurationIds,
    ...(e.authorizationDetails !== undefined && { authorizationDetails: e.authorizationDetails }),
    ...(e.claimSubsets !== undefined && { claimSubsets: e.claimSubsets }),
    ...(e.issuerState !== undefined && { issuerState: e.issuerState }),
    dpopJkt: e.dpopJkt,
    ...(e.attestationJkt !== undefined && { attestationJkt: e.attestationJkt }),
    ...(e.codeChallenge !== undefined && { codeChallenge: e.codeChallenge }),
    ...(e.redirectUri !== undefined && { redirectUri: e.redirectUri }),
    ...(e.state !== undefined && { clientState: e.state }),
    ...(e.browserStepOffered && { browserStepOffered: true as const }),
    ...(e.browserStep && { browserStep: e.browserStep }),
    authSessionHash: e.authSessionHash,
    sessionExpiresAt: e.sessionExpiresAt,
    holderContinuity: e.policy.holderContinuity,
    maxPresentationAttempts: e.policy.maxPresentationAttempts,
    batchSize: e.policy.batchSize ?? 1,
    request: { ...e.request, retrieved: false },
    presentationAttempts: 1,
    cNonces: {},
    issued: {},
  }),
  // XState's assign merges the result into the context: a fact that ends is set to undefined, never just left out.
  PresentationRequested: (c, e) => ({
    ...c,
    walletError: undefined,
    authSessionHash: e.rotatedAuthSessionHash,
    request: { ...e.request, retrieved: false },
    presentationAttempts: c.presentationAttempts + 1,
  }),
  RequestObjectRetrieved: (c) => ({ ...c, request: { ...c.request, retrieved: true } }),
  PresentationVerified: (c, e) => ({
    ...c,
    presentation: {
      holderJkt: e.holderJkt,
      credentialDigest: e.credentialDigest,
      vct: e.vct,
      credentialIssuer: e.credentialIssuer,
      sealedClaims: e.sealedClaims,
    },
    pdis: e.pdis,
    code: e.code,
  }),
  WalletErrorReceived: (c, e) => ({
    ...c,
    walletError: {
      error: e.error,
      ...(e.sealedErrorDescription !== undefined && { sealedErrorDescription: e.sealedErrorDescription }),
    },
  }),
  RedirectedToWeb: (c) => c,
  BrowserStepOffered: (c, e) => ({
    ...c,
    walletError: undefined,
    authSessionHash: e.rotatedAuthSessionHash,
    browserStep: e.requestUri,
  }),
  BrowserStepStarted: (c, e) => ({
    ...c,
    browserStep: undefined,
    browser: { page: e.page, redirectUri: e.redirectUri },
    request: { ...e.request, retrieved: false },
    presentationAttempts: c.presentationAttempts + 1,
  }),
  Denied: (c) => c,
  AuthorizationCodeIssued: (c, e) => ({ ...c, pdis: undefined, code: e.code }),
  TokenIssued: (c, e) => ({ ...c, token: e.token }),
  GrantRevoked: (c) => c,
  CNonceBound: (c, e, meta) => ({ ...c, cNonces: withNonce(c.cNonces, e.nonce.hash, e.nonce.expiresAt, meta.at) }),
  CredentialIssued: (c, e) => {
    const { [e.nonceHash]: _, ...cNonces } = c.cNonces;
    const issued = { ...c.issued, [e.credentialConfigurationId]: (c.issued[e.credentialConfigurationId] ?? 0) + 1 };
    return { ...c, cNonces, issued };
  },
  Expired: (c) => c,
  Erased: (c) => c,
};

function withNonce(nonces: Record<string, number>, hash: string, expiresAt: number, at: number) {
  const live = Object.entries(nonces)
    .filter(([, deadline]) => deadline > at)
    .sort(([, a], [, b]) => b - a)
    .slice(0, MAX_OUTSTANDING_C_NONCES - 1);
  return Object.fromEntries([...live, [hash, expiresAt]]);
}

/** evolve(state, event) → state for the context; the machine chooses the state value. */
export function evolve(context: SessionContext, event: SessionEvent): SessionContext {
  const next = (evolvers[event.type] as Evolver<EventType>)(context, event.data, event.meta);
  return { ...next, lastAt: event.meta.at };
}

/** Would this event complete the session: every authorized configuration issued at least once. */
export function completesSession(context: SessionContext, event: SessionEvent): boolean {
  if (event.type !== 'CredentialIssued') return false;
  const issued = evolve(context, event).issued;
  return context.credentialConfigurationIds.every((id) => (issued[id] ?? 0) > 0);
}

/** Does this presentation earn the code at once: it came inside a follow-up (S1/S2/S3), not to the response_uri (L)? */
export function earnsCode(_: SessionContext, event: SessionEvent): boolean {
  return event.type === 'PresentationVerified' && event.data.code !== undefined;
}

/** Issue 15: does this session start in the browser step (the wallet offered nothing else)? */
export function startsInBrowser(_: SessionContext, event: SessionEvent): boolean {
  return event.type === 'ChallengeReceived' && event.data.browserStep !== undefined;
}
