import { assign, setup, type StateValueFrom } from 'xstate';
import { EMPTY_CONTEXT, type SessionContext } from './context.js';
import type { Deadline } from './deadlines.js';
import type { SessionEvent } from './events.js';
import { completesSession, earnsCode, evolve, startsInBrowser } from './evolve.js';

/**
 * The auth_session lifecycle (seed 000) as one XState v5 machine: which event types each
 * state takes and where they lead. It holds no business rules: those run once, in
 * `decide` (`rules.ts`), and a stored event is a fact that always applies. The guards are
 * consequences of the facts, not rules: `completes` (every authorized configuration issued)
 * and `earnsCode` (a presentation carried by a follow-up of S1/S2/S3 comes with its code). There are no timers: the deadlines that can end each state are listed in `EXPIRY`,
 * and an `Expired` event (appended by the scheduler) records that one passed.
 */
export const EXPIRY = {
  presentationRequired: ['session'],
  requestRetrieved: ['session'],
  walletErrored: ['session'],
  browserStep: ['session'],
  presentationVerified: ['session', 'pdis'],
  codeIssued: ['code'],
  tokenIssued: ['token'],
} as const satisfies Record<string, readonly Deadline[]>;

export const FINAL_STATES = ['expired', 'denied', 'revoked', 'redirectedToWeb', 'erased'] as const;

/** The machine's guards, by name, as plain functions of the context and the event (the transition table uses them too). */
export const GUARDS = { completes: completesSession, earnsCode, startsInBrowser } as const;

const to = <T extends string>(target: T) => ({ target, actions: 'evolve' }) as const;
const expiry = { Expired: to('expired') } as const;
/** Seed 002 §3.3: any session that has not ended can be ended by erasure. */
const erasure = { Erased: to('erased') } as const;
/** The policy outcomes of a retry after a failed or timed-out presentation. */
const retries = {
  PresentationRequested: { ...to('presentationRequired'), reenter: true },
  RedirectedToWeb: to('redirectedToWeb'),
  BrowserStepOffered: to('browserStep'),
  Denied: to('denied'),
} as const;

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
  },
  guards: {
    completes: ({ context, event }) => GUARDS.completes(context, event),
    earnsCode: ({ context, event }) => GUARDS.earnsCode(context, event),
    startsInBrowser: ({ context, event }) => GUARDS.startsInBrowser(context, event),
  },
  actions: {
    evolve: assign(({ context, event }) => evolve(context, event)),
  },
}).createMachine({
  id: 'authSession',
  context: EMPTY_CONTEXT,
  initial: 'idle',
  states: {
    // Issue 15: a wallet that offered only the browser step starts there.
    idle: {
      on: { ChallengeReceived: [{ ...to('browserStep'), guard: 'startsInBrowser' }, to('presentationRequired')] },
    },
    presentationRequired: {
      on: {
        RequestObjectRetrieved: to('requestRetrieved'),
        // S1/S2/S3: the request went by value and the presentation comes in the follow-up, with the code.
        PresentationVerified: [{ ...to('codeIssued'), guard: 'earnsCode' }, to('presentationVerified')],
        WalletErrorReceived: to('walletErrored'),
        ...retries,
        ...expiry,
        ...erasure,
      },
    },
    requestRetrieved: {
      on: {
        PresentationVerified: to('presentationVerified'),
        WalletErrorReceived: to('walletErrored'),
        ...retries,
        ...expiry,
        ...erasure,
      },
    },
    walletErrored: { on: { ...retries, ...expiry, ...erasure } },
    /** Waits for the browser side (the authorization endpoint resolving the pushed request_uri, issue 15). */
    browserStep: { on: { BrowserStepStarted: to('presentationRequired'), ...expiry, ...erasure } },
    presentationVerified: { on: { AuthorizationCodeIssued: to('codeIssued'), ...expiry, ...erasure } },
    codeIssued: { on: { TokenIssued: to('tokenIssued'), ...expiry, ...erasure } },
    tokenIssued: {
      on: {
        CNonceBound: to('tokenIssued'),
        CredentialIssued: [{ ...to('completed'), guard: 'completes' }, to('tokenIssued')],
        GrantRevoked: to('revoked'),
        ...expiry,
        ...erasure,
      },
    },
    completed: { on: { GrantRevoked: to('revoked'), ...erasure } },
    expired: { type: 'final' },
    denied: { type: 'final' },
    revoked: { type: 'final' },
    redirectedToWeb: { type: 'final' },
    erased: { type: 'final' },
  },
});

export type StateName = StateValueFrom<typeof sessionMachine>;
