import { randomBytes } from 'node:crypto';
import {
  type Answer,
  generateWalletKey,
  InteractiveSteps,
  ReferenceWallet,
  type ResponseDeviation,
  type WalletKey,
  type WalletRequest,
} from '../../wallet/index.js';
import type { ConformanceTarget, Dialect } from '../target.js';
import { outcomeOf, type Outcome, SKIPPED, WALLET_REFUSED } from './outcome.js';
import type { AuthSessionChoice, CredentialVariant, PresentationVariant, TokenVariant, WalletStep } from './steps.js';
import { tamperedPresentation } from './tampered-presentation.js';

/** What one session's wallet holds: the values the issuer handed it, the latest of each. */
interface SessionState {
  wallet: ReferenceWallet;
  interactive?: InteractiveSteps;
  authSessions: string[];
  request?: WalletRequest;
  pdis?: string;
  code?: string;
  accessToken?: string;
  cNonce?: string;
}

/** OpenID4VP §8.5: a wallet's refusal, and deviations a verifier must refuse (KB-JWT `aud` and `nonce`, P-41). */
const DEVIATIONS: Record<Exclude<PresentationVariant, 'valid' | 'tampered-disclosure'>, ResponseDeviation> = {
  'wrong-aud': { audience: 'https://attacker.example' },
  'wrong-nonce': { nonce: 'not-the-request-nonce' },
  'wallet-error': { error: 'access_denied' },
};

/** Something that performs abstract wallet steps against an issuer: the reference wallet's driver, or a driver of your wallet. */
export interface StepRunner {
  run(steps: readonly WalletStep[]): Promise<Outcome[]>;
}

/**
 * Runs abstract wallet steps (steps.ts) against one issuer with the reference wallet, a wallet
 * per session, in one dialect: the same sequence on two issuers gives two lists of outcomes to compare.
 */
export class WalletDriver implements StepRunner {
  private readonly sessions = new Map<number, SessionState>();
  private otherKey?: WalletKey;

  constructor(
    readonly target: ConformanceTarget,
    readonly dialect: Dialect,
  ) {}

  async run(steps: readonly WalletStep[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const step of steps) outcomes.push(await this.execute(step));
    return outcomes;
  }

  /** Whether the step can be formed: its session started and the value it sends held (else it is `skipped`). */
  canRun(step: WalletStep): boolean {
    if (step.kind === 'start') return true;
    const state = this.sessions.get(step.session);
    if (!state) return false;
    switch (step.kind) {
      case 'present':
        return state.request !== undefined && (!state.interactive || this.authSessionOf(step) !== undefined);
      case 'follow-up':
        return (
          !state.interactive &&
          this.sessions.get(step.pdisFrom)?.pdis !== undefined &&
          this.authSessionOf(step) !== undefined
        );
      case 'token':
        return this.sessions.get(step.codeFrom)?.code !== undefined;
      case 'credential':
        return (
          this.sessions.get(step.tokenFrom)?.accessToken !== undefined &&
          (step.variant !== 'replayed-nonce' || state.cNonce !== undefined)
        );
    }
  }

  async execute(step: WalletStep): Promise<Outcome> {
    if (!this.canRun(step)) return SKIPPED;
    if (step.kind === 'start') return this.start(step.session);
    const state = this.sessions.get(step.session)!;
    switch (step.kind) {
      case 'present':
        return this.present(state, step.variant, this.authSessionOf(step));
      case 'follow-up': {
        const answer = await state.wallet.challenge({
          auth_session: this.authSessionOf(step)!,
          presentation_during_issuance_session: this.sessions.get(step.pdisFrom)!.pdis!,
        });
        if (answer.status === 200 && typeof answer.body.authorization_code === 'string')
          state.code = answer.body.authorization_code;
        return outcomeOf(answer);
      }
      case 'token':
        return this.token(state, this.sessions.get(step.codeFrom)!.code!, step.variant);
      case 'credential':
        return this.credential(state, this.sessions.get(step.tokenFrom)!.accessToken!, step.variant);
    }
  }

  private async start(session: number): Promise<Outcome> {
    const holderKey = await generateWalletKey();
    const wallet = await ReferenceWallet.create({
      issuerUrl: this.target.issuerUrl,
      pid: await this.target.mintPid(holderKey.publicJwk, Date.now()),
      holderKey,
      ...(this.target.fetch && { fetch: this.target.fetch }),
    });
    const interactive =
      this.dialect === 'l' ? undefined : new InteractiveSteps(wallet, this.dialect.toUpperCase() as 'S1' | 'S2' | 'S3');
    const state: SessionState = { wallet, authSessions: [], ...(interactive && { interactive }) };
    this.sessions.set(session, state);
    const answer = await (interactive ?? wallet).challenge({ scope: this.target.scope });
    return this.received(state, answer);
  }

  /** Keep what an answer hands the wallet: a new auth_session, a new OpenID4VP request, a code. */
  private async received(state: SessionState, answer: Answer): Promise<Outcome> {
    const { body } = answer;
    if (typeof body.auth_session === 'string') state.authSessions.push(body.auth_session);
    const code = state.interactive ? (body.code ?? body.authorization_code) : undefined;
    if (answer.status === 200 && typeof code === 'string') state.code = code;
    try {
      if (state.interactive && typeof body.openid4vp_request === 'object' && body.openid4vp_request)
        state.request = await state.interactive.request(answer);
      else if (!state.interactive && answer.status === 400 && typeof body.presentation === 'string')
        state.request = await state.wallet.requestObject(body.presentation);
    } catch {
      return WALLET_REFUSED;
    }
    return outcomeOf(answer);
  }

  /** The auth_session a follow-up sends: `authSessionFrom`'s latest or first (FiPA §5.3: bound to the session's DPoP key). */
  private authSessionOf(step: { authSession: AuthSessionChoice; authSessionFrom: number }): string | undefined {
    const held = this.sessions.get(step.authSessionFrom)?.authSessions ?? [];
    return step.authSession === 'first' ? held[0] : held.at(-1);
  }

  private async present(
    state: SessionState,
    variant: PresentationVariant,
    authSession: string | undefined,
  ): Promise<Outcome> {
    const { interactive, wallet } = state;
    const request = state.request!;
    const deviation: ResponseDeviation =
      variant === 'valid'
        ? {}
        : variant === 'tampered-disclosure'
          ? { vpToken: await tamperedPresentation(wallet, request, interactive?.audience ?? request.clientId) }
          : DEVIATIONS[variant];
    if (!interactive) {
      const answer = await wallet.respond(request, deviation);
      const pdis = answer.body.presentation_during_issuance_session;
      if (answer.status === 200 && typeof pdis === 'string') state.pdis = pdis;
      return outcomeOf(answer);
    }
    return this.received(state, await interactive.respond(authSession!, request, deviation));
  }

  private async token(state: SessionState, code: string, variant: TokenVariant): Promise<Outcome> {
    // RFC 7636 §4.5: the verifier of the session's own code_challenge (S1/S2/S3 send one), or one that matches none.
    const verifier =
      variant === 'wrong-verifier' ? randomBytes(32).toString('base64url') : state.interactive?.codeVerifier;
    const answer = await state.wallet.token(
      code,
      verifier ? { code_verifier: verifier } : {},
      variant === 'other-dpop-key' ? { dpopKey: await this.other() } : {},
    );
    if (answer.status === 200 && typeof answer.body.access_token === 'string')
      state.accessToken = answer.body.access_token;
    return outcomeOf(answer);
  }

  private async credential(state: SessionState, token: string, variant: CredentialVariant): Promise<Outcome> {
    if (variant !== 'replayed-nonce') state.cNonce = await state.wallet.nonce();
    const answer = await state.wallet.credential(
      token,
      {
        configurationId: this.target.configurationId,
        cNonce: state.cNonce!,
        credentialIssuer: state.interactive?.credentialIssuer ?? state.wallet.issuerUrl,
      },
      variant === 'other-dpop-key' ? { dpopKey: await this.other() } : {},
    );
    return outcomeOf(answer);
  }

  /** A DPoP key no session opened with (RFC 9449 §4.3: the proof key must be the session's). */
  private async other(): Promise<WalletKey> {
    this.otherKey ??= await generateWalletKey();
    return this.otherKey;
  }
}
