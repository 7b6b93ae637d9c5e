import { assign, setup, type StateValueFrom } from 'xstate';
import { EMPTY_CONTEXT, type SessionContext } from './context.js';
import type { SessionEvent } from './events.js';
import { completesSession, evolve } from './evolve.js';
import { checkEvent, type Deadline } from './rules.js';

/**
 * The auth_session lifecycle (seed 000) as one XState v5 machine, used only through
 * the pure `initialTransition` / `transition` functions. There are no timers: the
 * deadlines that can end each state are listed in `EXPIRY`, and an `Expired` event
 * (appended by the scheduler) is accepted once its deadline has passed.
 */
export const EXPIRY = {
  presentationRequired: ['session'],
  requestRetrieved: ['session'],
  walletErrored: ['session'],
  presentationVerified: ['session', 'pdis'],
  codeIssued: ['code'],
  tokenIssued: ['token'],
} as const satisfies Record<string, readonly Deadline[]>;

export const FINAL_STATES = ['expired', 'denied', 'revoked', 'redirectedToWeb', 'erased'] as const;

const accept = { guard: 'rulesPass', actions: 'evolve' } as const;

function expiry(deadlines: readonly Deadline[]) {
  return {
    Expired: { target: 'expired', guard: { type: 'expiryDue', params: { deadlines } }, actions: 'evolve' },
  } as const;
}

/** Seed 002 §3.3: any session that has not ended can be ended by erasure. */
const erasure = { Erased: { target: 'erased', ...accept } } as const;

/** The policy outcomes of a retry after a failed or timed-out presentation. */
const retries = {
  PresentationRequested: { target: 'presentationRequired', reenter: true, ...accept },
  RedirectedToWeb: { target: 'redirectedToWeb', ...accept },
  Denied: { target: 'denied', ...accept },
} as const;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
  },
  guards: {
    rulesPass: ({ context, event }) => checkEvent(context, event) === undefined,
    expiryDue: ({ context, event }, params: { deadlines: readonly Deadline[] }) =>
      event.type === 'Expired' && params.deadlines.includes(event.deadline) && checkEvent(context, event) === undefined,
    completes: ({ context, event }) => checkEvent(context, event) === undefined && completesSession(context, event),
  },
  actions: {
    evolve: assign(({ context, event }) => evolve(context, event)),
  },
}).createMachine({
  id: 'authSession',
  context: EMPTY_CONTEXT,
  initial: 'idle',
  states: {
    idle: {
      on: { ChallengeReceived: { target: 'presentationRequired', ...accept } },
    },
    presentationRequired: {
      on: {
        RequestObjectRetrieved: { target: 'requestRetrieved', ...accept },
        ...retries,
        ...expiry(EXPIRY.presentationRequired),
        ...erasure,
      },
    },
    requestRetrieved: {
      on: {
        PresentationVerified: { target: 'presentationVerified', ...accept },
        WalletErrorReceived: { target: 'walletErrored', ...accept },
        ...retries,
        ...expiry(EXPIRY.requestRetrieved),
        ...erasure,
      },
    },
    walletErrored: {
      on: { ...retries, ...expiry(EXPIRY.walletErrored), ...erasure },
    },
    presentationVerified: {
      on: {
        AuthorizationCodeIssued: { target: 'codeIssued', ...accept },
        ...expiry(EXPIRY.presentationVerified),
        ...erasure,
      },
    },
    codeIssued: {
      on: {
        TokenIssued: { target: 'tokenIssued', ...accept },
        ...expiry(EXPIRY.codeIssued),
        ...erasure,
      },
    },
    tokenIssued: {
      on: {
        CNonceIssued: { target: 'tokenIssued', ...accept },
        CredentialIssued: [
          { target: 'completed', guard: 'completes', actions: 'evolve' },
          { target: 'tokenIssued', ...accept },
        ],
        GrantRevoked: { target: 'revoked', ...accept },
        ...expiry(EXPIRY.tokenIssued),
        ...erasure,
      },
    },
    completed: {
      on: { GrantRevoked: { target: 'revoked', ...accept }, ...erasure },
    },
    expired: { type: 'final' },
    denied: { type: 'final' },
    revoked: { type: 'final' },
    redirectedToWeb: { type: 'final' },
    erased: { type: 'final' },
  },
});

export type SessionMachine = typeof sessionMachine;
export type StateName = StateValueFrom<typeof sessionMachine>;
