import { createHash, randomBytes } from 'node:crypto';
import {
  type Answer,
  type CallOptions,
  type ReferenceWallet,
  type ResponseDeviation,
  stepCheck,
} from './reference-wallet.js';
import { readRequestByValue, type WalletRequest } from './request-object.js';

export type InteractiveDialect = 'S1' | 'S2' | 'S3';

/**
 * The interaction types each dialect's wallet offers (protocol-ia.md §2.2): the in-band presentation
 * and the browser step; S1 exactly as `@openid4vc/openid4vci` 0.5 sends them.
 */
export const INTERACTION_TYPES: Record<InteractiveDialect, string> = {
  S1: 'redirect_to_web,openid4vp_presentation',
  S2: 'urn:openid:dcp:iae:openid4vp_presentation,urn:openid:dcp:iae:redirect_to_web',
  S3: 'urn:openid:dcp:ia:openid4vp_presentation,urn:openid:dcp:ia:auth_via_web',
};

/** The browser step alone (issue 15): what a wallet offers that cannot present in-band (the PID is elsewhere). */
export const BROWSER_ONLY_TYPES: Record<InteractiveDialect, string> = {
  S1: 'redirect_to_web',
  S2: 'urn:openid:dcp:iae:redirect_to_web',
  S3: 'urn:openid:dcp:ia:auth_via_web',
};

/**
 * The reference wallet speaking an Interactive Authorization dialect (protocol-ia.md §2–§4): S1/S2
 * at the IAE of the second issuer identifier, S3 at the challenge endpoint. Each step a method, so
 * tests can reorder, replay or tamper.
 */
export class InteractiveSteps {
  /** RFC 7636: the wallet offers the browser step, so it sends PKCE (protocol-ia.md §2.2: "included when redirect offered"). */
  readonly codeVerifier = randomBytes(32).toString('base64url');

  constructor(
    readonly wallet: ReferenceWallet,
    readonly dialect: InteractiveDialect = 'S3',
    /** Offer only the browser step (issue 15). */
    readonly browserOnly = false,
  ) {}

  get endpoint(): string {
    const base = this.wallet.issuerUrl;
    return this.dialect === 'S3' ? `${base}/authorize-challenge` : `${base}/iae/interactive-authorization`;
  }

  /** The key-binding audience (protocol-ia.md §4): `ia:`/`iae:` + the endpoint's origin as the texts say, S1's full IAE URL (PR #695). */
  get audience(): string {
    const prefix = this.dialect === 'S3' ? 'ia:' : 'iae:';
    return `${prefix}${this.dialect === 'S1' ? this.endpoint : new URL(this.endpoint).origin}`;
  }

  /** The credential issuer identifier the wallet found: the second one, `<issuer>/iae`, for S1/S2 (issue 13 §2). */
  get credentialIssuer(): string {
    return this.dialect === 'S3' ? this.wallet.issuerUrl : `${this.wallet.issuerUrl}/iae`;
  }

  /** The status of an interaction answer: S3's 401, the IAE's 200 (protocol-ia.md §3). */
  get interactionStatus(): number {
    return this.dialect === 'S3' ? 401 : 200;
  }

  /** The code of a success answer: S3 `authorization_code`, S1/S2 `code`. */
  codeOf(answer: Answer): string {
    return String(this.dialect === 'S3' ? answer.body.authorization_code : answer.body.code);
  }

  /** The initial request: an OpenID4VCI authorization request offering the dialect's interaction types. */
  challenge(params: Record<string, string>, options?: CallOptions): Promise<Answer> {
    return this.wallet.form(
      this.endpoint,
      {
        client_id: this.wallet.clientId,
        response_type: 'code',
        interaction_types_supported: (this.browserOnly ? BROWSER_ONLY_TYPES : INTERACTION_TYPES)[this.dialect],
        code_challenge: createHash('sha256').update(this.codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        ...params,
      },
      options,
    );
  }

  /** The OpenID4VP request of an interaction answer, verified (signature, client, origin binding). */
  request(answer: Answer): Promise<WalletRequest> {
    return readRequestByValue(answer.body.openid4vp_request as Record<string, unknown>, this.endpoint, this.dialect);
  }

  /** A follow-up with the most recent auth_session and `params`. */
  followUp(authSession: string, params: Record<string, string> = {}, options?: CallOptions): Promise<Answer> {
    return this.wallet.form(this.endpoint, { auth_session: authSession, ...params }, options);
  }

  /** The follow-up with the presentation (or refusal) inside `openid4vp_response`. */
  async respond(
    authSession: string,
    request: WalletRequest,
    deviation: ResponseDeviation = {},
    options?: CallOptions,
  ): Promise<Answer> {
    const payload = await this.wallet.responsePayload(request, { audience: this.audience, ...deviation });
    return this.followUp(authSession, { openid4vp_response: JSON.stringify(payload) }, options);
  }
}

/** A whole flow in an interactive dialect (protocol-ia.md §2–§4), reporting each step; throws on the first unexpected answer. */
export async function runInteractiveFlow(
  wallet: ReferenceWallet,
  options: {
    dialect?: InteractiveDialect;
    scope: string;
    configurationId: string;
    onStep?: (step: string, detail: unknown) => void;
  },
): Promise<string> {
  const report = options.onStep ?? (() => undefined);
  const expect = stepCheck(report);
  const steps = new InteractiveSteps(wallet, options.dialect);
  const name = steps.dialect;
  const first = await steps.challenge({ scope: options.scope });
  expect(first, steps.interactionStatus, `${name} initial request → openid4vp_presentation interaction`);
  const request = await steps.request(first);
  report(`${name} OpenID4VP request by value verified`, {
    client_id: request.clientId,
    response_mode: request.responseMode,
  });
  const second = await steps.respond(String(first.body.auth_session), request);
  expect(second, 200, `${name} follow-up with openid4vp_response → code`);
  return wallet.redeemAndIssue(steps.codeOf(second), options.configurationId, report, {
    credentialIssuer: steps.credentialIssuer,
    codeVerifier: steps.codeVerifier,
  });
}
