import {
  type Answer,
  type CallOptions,
  generateWalletKey,
  type InteractiveDialect,
  InteractiveSteps,
  ReferenceWallet,
  type ResponseDeviation,
  type WalletRequest,
} from '../wallet/index.js';
import { expectStatus } from './failure.js';
import type { ConformanceTarget, Dialect } from './target.js';

const INTERACTIVE: Record<Exclude<Dialect, 'l'>, InteractiveDialect> = { s1: 'S1', s2: 'S2', s3: 'S3' };

/** A session opened in one dialect: the wallet that opened it, its auth_session and the verified OpenID4VP request. */
export interface Opened {
  wallet: ReferenceWallet;
  authSession: string;
  request: WalletRequest;
  /** The interactive dialects' steps (S1/S2/S3), which hold the PKCE verifier; none in L. */
  steps?: InteractiveSteps;
}

/** A session that earned its code, and (after `untilToken`) its access token. */
export interface Coded extends Opened {
  code: string;
}

/**
 * The honest flow of one dialect as steps, each checked on the way (a failed step fails the
 * check: the target refused what it must accept), so a check can stop anywhere and attack.
 */
export class DialectFlow {
  constructor(
    readonly target: ConformanceTarget,
    readonly dialect: Dialect,
  ) {}

  /** A new wallet holding a PID the target trusts. */
  async wallet(): Promise<ReferenceWallet> {
    const holderKey = await generateWalletKey();
    const pid = await this.target.mintPid(holderKey.publicJwk, Date.now());
    return ReferenceWallet.create({
      issuerUrl: this.target.issuerUrl,
      pid,
      holderKey,
      ...(this.target.fetch && { fetch: this.target.fetch }),
    });
  }

  steps(wallet: ReferenceWallet, dialect: Dialect = this.dialect): InteractiveSteps | undefined {
    return dialect === 'l' ? undefined : new InteractiveSteps(wallet, INTERACTIVE[dialect]);
  }

  /** The initial request, answered with the presentation request (seed steps 4–6; protocol-ia.md §3). */
  async open(wallet?: ReferenceWallet, params: Record<string, string> = {}): Promise<Opened> {
    const holder = wallet ?? (await this.wallet());
    const steps = this.steps(holder);
    const scope = { scope: this.target.scope, ...params };
    if (!steps) {
      const first = await holder.challenge(scope);
      expectStatus(first, 400, 'the initial challenge');
      const request = await holder.requestObject(String(first.body.presentation));
      return { wallet: holder, authSession: String(first.body.auth_session), request };
    }
    const first = await steps.challenge(scope);
    expectStatus(first, steps.interactionStatus, 'the initial request');
    return { wallet: holder, authSession: String(first.body.auth_session), request: await steps.request(first), steps };
  }

  /** The presentation, as the dialect carries it: L to the response_uri, S1/S2/S3 inside a follow-up. */
  present(opened: Opened, deviation: ResponseDeviation = {}, options?: CallOptions): Promise<Answer> {
    return opened.steps
      ? opened.steps.respond(opened.authSession, opened.request, deviation, options)
      : opened.wallet.respond(opened.request, deviation);
  }

  /** L's second challenge with the pdis (seed step 10). */
  secondChallenge(opened: Opened, pdis: string, options?: CallOptions): Promise<Answer> {
    return opened.wallet.challenge(
      { auth_session: opened.authSession, presentation_during_issuance_session: pdis },
      options,
    );
  }

  /** The code of a success answer: L and S3 `authorization_code`, S1/S2 `code`. */
  codeOf(opened: Opened, answer: Answer): string {
    return opened.steps ? opened.steps.codeOf(answer) : String(answer.body.authorization_code);
  }

  /** The presentation up to the code (L: with the pdis's second challenge). */
  async untilCode(opened?: Opened): Promise<Coded> {
    const session = opened ?? (await this.open());
    const presented = await this.present(session);
    expectStatus(presented, 200, 'the honest presentation');
    if (session.steps) return { ...session, code: this.codeOf(session, presented) };
    const second = await this.secondChallenge(session, String(presented.body.presentation_during_issuance_session));
    expectStatus(second, 200, 'the second challenge with the pdis');
    return { ...session, code: this.codeOf(session, second) };
  }

  /** The token request for `code` (with the PKCE verifier the interactive dialects sent). */
  redeem(session: Opened, code: string, options?: CallOptions): Promise<Answer> {
    const verifier = session.steps && { code_verifier: session.steps.codeVerifier };
    return session.wallet.token(code, verifier ?? {}, options);
  }

  async untilToken(opened?: Opened): Promise<Coded & { accessToken: string; expiresIn: number }> {
    const coded = await this.untilCode(opened);
    const token = await this.redeem(coded, coded.code);
    expectStatus(token, 200, 'the token request');
    return { ...coded, accessToken: String(token.body.access_token), expiresIn: Number(token.body.expires_in) };
  }

  /** A credential request with `cNonce` (a fresh one unless given). */
  async credential(session: Opened, accessToken: string, cNonce?: string, options?: CallOptions): Promise<Answer> {
    return session.wallet.credential(
      accessToken,
      {
        configurationId: this.target.configurationId,
        cNonce: cNonce ?? (await session.wallet.nonce()),
        credentialIssuer: session.steps?.credentialIssuer ?? this.target.issuerUrl,
      },
      options,
    );
  }
}
