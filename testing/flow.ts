import { createHash } from 'node:crypto';
import type {
  CallerProof,
  CarriedPresentation,
  Command,
  Dialect,
  ContinueChallenge,
  Erase,
  Expire,
  BindCNonce,
  CompleteBrowserStep,
  IssueCredential,
  NewPresentationRequest,
  RedeemCode,
  RetrieveRequestObject,
  StartBrowserStep,
  StartChallenge,
  SubmitPresentation,
  SubmitWalletError,
} from '../engine/index.js';

/** A deterministic stand-in for a hash or thumbprint: long enough for the event schema. */
export const h = (label: string): string => createHash('sha256').update(label).digest('base64url');

export const VERIFIER = 'x509_san_dns:issuer.example';
/** The key-binding audience a test flow of each interactive dialect presents (protocol-ia.md §4). */
export const INTERACTIVE_AUDIENCE = {
  S1: 'iae:https://issuer.example',
  S2: 'iae:https://issuer.example',
  S3: 'ia:https://issuer.example',
} as const;
export const SECOND = 1000;
/** The time every test flow starts at (2027-01-15). */
export const T0 = 1_800_000_000_000;

/**
 * Builds the commands of one session's flow with deterministic values, so tests can
 * run the happy path, stop anywhere, or change one fact to attack a step.
 */
export class Flow {
  private counter = 0;
  constructor(
    readonly sessionId: string,
    readonly keys: { dpop: string; attestation?: string; holder: string } = {
      dpop: h(`dpop:${sessionId}`),
      holder: h(`holder:${sessionId}`),
    },
    /** The dialect the session is opened in (issue 13); L by default. */
    readonly dialect: Dialect = 'L',
  ) {}

  eventId(): string {
    this.counter += 1;
    return `${this.sessionId}:${this.counter}`;
  }
  value(name: string, round = 1): string {
    return h(`${this.sessionId}:${name}:${round}`);
  }
  request(round = 1): NewPresentationRequest {
    return {
      requestId: this.value('request', round),
      nonce: this.value('nonce', round),
      state: this.value('state', round),
      verifierClientId: VERIFIER,
      ...(this.dialect !== 'L' && this.dialect !== 'B' && { audiences: [INTERACTIVE_AUDIENCE[this.dialect]] }),
    };
  }
  caller(round = 1): CallerProof {
    return {
      authSessionHash: this.value('auth_session', round),
      dpopJkt: this.keys.dpop,
      ...(this.keys.attestation && { attestationJkt: this.keys.attestation }),
    };
  }
  private routed(at: number) {
    return { eventId: this.eventId(), sessionId: this.sessionId, at };
  }

  /** `browserStep`: the wallet offers the dialect's browser step and sends a code_challenge (protocol-ia.md §5). */
  /** `browserOnly` (issue 15): it offers nothing else, so the session starts in the browser step (round 0's request_uri). */
  start(
    at: number,
    configs = ['pid_mdl'],
    opts: { browserStep?: boolean; browserOnly?: boolean } = {},
  ): StartChallenge {
    return {
      type: 'StartChallenge',
      ...this.routed(at),
      ...(this.dialect !== 'L' && { dialect: this.dialect }),
      ...((opts.browserStep || opts.browserOnly) && {
        browserStepOffered: true,
        codeChallenge: this.value('code_challenge'),
      }),
      ...(opts.browserOnly && { browserStep: { requestUriHash: this.value('request_uri', 0) } }),
      clientId: 'wallet',
      credentialConfigurationIds: configs,
      dpopJkt: this.keys.dpop,
      ...(this.keys.attestation && { attestationJkt: this.keys.attestation }),
      authSessionHash: this.value('auth_session'),
      request: this.request(),
    };
  }
  retrieve(at: number, round = 1): RetrieveRequestObject {
    return { type: 'RetrieveRequestObject', ...this.routed(at), requestId: this.value('request', round) };
  }
  present(at: number, round = 1, facts: { nonce?: string; aud?: string } = {}): SubmitPresentation {
    return {
      type: 'SubmitPresentation',
      ...this.routed(at),
      requestId: this.value('request', round),
      state: this.value('state', round),
      holderJkt: this.keys.holder,
      kbNonce: facts.nonce ?? this.value('nonce', round),
      kbAud: facts.aud ?? VERIFIER,
      credentialDigest: this.value('vp'),
      vct: 'urn:eudi:pid:1',
      credentialIssuer: 'https://pid.example',
      sealedClaims: 'sealed',
      pdisHash: this.value('pdis', round),
    };
  }
  /** S1/S2/S3: what the adapter verified of a presentation carried in a follow-up. */
  carried(round = 1, facts: { nonce?: string; aud?: string } = {}): CarriedPresentation {
    const {
      type: _,
      eventId: __,
      sessionId: ___,
      at: ____,
      state: _____,
      pdisHash: ______,
      ...carried
    } = this.present(0, round, facts);
    const aud = this.dialect === 'L' || this.dialect === 'B' ? VERIFIER : INTERACTIVE_AUDIENCE[this.dialect];
    return { ...carried, kbAud: facts.aud ?? aud };
  }
  /** The wallet's error inside a challenge follow-up (issue 13 §7), in any dialect. */
  walletErrorInFollowUp(at: number, round = 1, error = 'access_denied'): SubmitWalletError {
    return {
      type: 'SubmitWalletError',
      ...this.routed(at),
      requestId: this.value('request', round),
      caller: this.caller(round),
      error,
    };
  }
  walletError(at: number, round = 1, error = 'access_denied'): SubmitWalletError {
    return {
      type: 'SubmitWalletError',
      ...this.routed(at),
      requestId: this.value('request', round),
      state: this.value('state', round),
      error,
    };
  }
  continue(
    at: number,
    opts: {
      round?: number;
      pdis?: string;
      presentation?: CarriedPresentation;
      caller?: CallerProof;
      endpoint?: 'challenge' | 'iae';
    } = {},
  ): ContinueChallenge {
    const round = opts.round ?? 1;
    return {
      type: 'ContinueChallenge',
      ...this.routed(at),
      caller: opts.caller ?? this.caller(round),
      endpoint: opts.endpoint ?? (this.dialect === 'S1' || this.dialect === 'S2' ? 'iae' : 'challenge'),
      ...(opts.pdis !== undefined && { pdisHash: opts.pdis }),
      ...(opts.presentation !== undefined && { presentation: opts.presentation }),
      codeHash: this.value('code'),
      retry: { authSessionHash: this.value('auth_session', round + 1), request: this.request(round + 1) },
      ...(this.dialect !== 'L' && { browserStep: { requestUriHash: this.value('request_uri', round) } }),
    };
  }
  /**
   * Issue 15: the authorization endpoint resolves the request_uri offered in round `round`; the page's
   * OpenID4VP request is round `round + 1`'s, by reference (no interactive audiences): `retrieve` and
   * `present` of that round answer it.
   */
  startBrowserStep(at: number, round = 1, redirectUri = 'https://wallet.example/cb'): StartBrowserStep {
    const { audiences: _, ...request } = this.request(round + 1);
    return {
      type: 'StartBrowserStep',
      ...this.routed(at),
      requestUriHash: this.value('request_uri', round),
      pageHash: this.value('page'),
      request,
      redirectUri,
    };
  }
  /** Issue 15: the browser step's page asks how it ends. */
  completeBrowserStep(at: number, page = this.value('page')): CompleteBrowserStep {
    return { type: 'CompleteBrowserStep', ...this.routed(at), pageHash: page, codeHash: this.value('code') };
  }
  redeem(at: number, opts: { code?: string; dpop?: string } = {}): RedeemCode {
    return {
      type: 'RedeemCode',
      ...this.routed(at),
      codeHash: opts.code ?? this.value('code'),
      dpopJkt: opts.dpop ?? this.keys.dpop,
      ...(this.keys.attestation && { attestationJkt: this.keys.attestation }),
      tokenHash: this.value('token'),
    };
  }
  nonce(at: number, n = 1, opts: { token?: string; dpop?: string } = {}): BindCNonce {
    return {
      type: 'BindCNonce',
      ...this.routed(at),
      tokenHash: opts.token ?? this.value('token'),
      dpopJkt: opts.dpop ?? this.keys.dpop,
      nonceHash: this.value('c_nonce', n),
    };
  }
  credential(
    at: number,
    n = 1,
    opts: { token?: string; dpop?: string; holder?: string; config?: string } = {},
  ): IssueCredential {
    return {
      type: 'IssueCredential',
      ...this.routed(at),
      tokenHash: opts.token ?? this.value('token'),
      dpopJkt: opts.dpop ?? this.keys.dpop,
      credentialConfigurationId: opts.config ?? 'pid_mdl',
      nonceHash: this.value('c_nonce', n),
      holderJkts: [opts.holder ?? this.keys.holder],
      credentialDigests: [this.value('credential', n)],
    };
  }
  expire(at: number): Expire {
    return { type: 'Expire', ...this.routed(at) };
  }
  erase(at: number): Erase {
    return { type: 'Erase', ...this.routed(at) };
  }

  /** The dialect's happy path (the seed's in L), one second per step, starting at t0. */
  happyPath(t0: number): Command[] {
    if (this.dialect !== 'L')
      return [
        this.start(t0),
        this.continue(t0 + SECOND, { presentation: this.carried() }),
        this.redeem(t0 + 2 * SECOND),
        this.nonce(t0 + 3 * SECOND),
        this.credential(t0 + 4 * SECOND),
      ];
    return [
      this.start(t0),
      this.retrieve(t0 + SECOND),
      this.present(t0 + 2 * SECOND),
      this.continue(t0 + 3 * SECOND, { pdis: this.value('pdis') }),
      this.redeem(t0 + 4 * SECOND),
      this.nonce(t0 + 5 * SECOND),
      this.credential(t0 + 6 * SECOND),
    ];
  }
}
