import {
  type Answer,
  type CallOptions,
  type ReferenceWallet,
  type ResponseDeviation,
  stepCheck,
} from './reference-wallet.js';
import { readRequestByValue, type WalletRequest } from './request-object.js';

/** The interaction types an S3 wallet offers (protocol-ia.md §2.2): the in-band presentation and the browser step. */
export const IA_INTERACTION_TYPES = 'urn:openid:dcp:ia:openid4vp_presentation,urn:openid:dcp:ia:auth_via_web';

/**
 * The reference wallet speaking S3, Interactive Authorization on the challenge endpoint
 * (protocol-ia.md §2, §3.2, §4): each step a method, so tests can reorder, replay or tamper.
 */
export class InteractiveSteps {
  constructor(readonly wallet: ReferenceWallet) {}

  get endpoint(): string {
    return `${this.wallet.issuerUrl}/authorize-challenge`;
  }

  /** The key-binding audience the text asks for: `ia:` + the challenge endpoint's origin (protocol-ia.md §4). */
  get audience(): string {
    return `ia:${new URL(this.endpoint).origin}`;
  }

  /** The initial request: an OpenID4VCI authorization request offering the IA interaction types. */
  challenge(params: Record<string, string>, options?: CallOptions): Promise<Answer> {
    return this.wallet.challenge(
      { response_type: 'code', interaction_types_supported: IA_INTERACTION_TYPES, ...params },
      options,
    );
  }

  /** The OpenID4VP request of a 401 interaction answer, verified (signature, client, origin binding). */
  request(answer: Answer): Promise<WalletRequest> {
    return readRequestByValue(answer.body.openid4vp_request as Record<string, unknown>, this.endpoint, 'S3');
  }

  /** The intermediate request: the most recent auth_session with the presentation (or refusal) inside `openid4vp_response`. */
  async respond(
    authSession: string,
    request: WalletRequest,
    deviation: ResponseDeviation = {},
    options?: CallOptions,
  ): Promise<Answer> {
    const payload = await this.wallet.responsePayload(request, { audience: this.audience, ...deviation });
    return this.wallet.challenge({ auth_session: authSession, openid4vp_response: JSON.stringify(payload) }, options);
  }
}

/** The whole S3 flow (protocol-ia.md §2–§4), reporting each step; throws on the first unexpected answer. */
export async function runInteractiveFlow(
  wallet: ReferenceWallet,
  options: { scope: string; configurationId: string; onStep?: (step: string, detail: unknown) => void },
): Promise<string> {
  const report = options.onStep ?? (() => undefined);
  const expect = stepCheck(report);
  const steps = new InteractiveSteps(wallet);
  const first = await steps.challenge({ scope: options.scope });
  expect(first, 401, 'S3 initial request → 401 insufficient_authorization, openid4vp_presentation');
  const request = await steps.request(first);
  report('S3 OpenID4VP request by value verified', {
    client_id: request.clientId,
    response_mode: request.responseMode,
  });
  const second = await steps.respond(String(first.body.auth_session), request);
  expect(second, 200, 'S3 intermediate request with openid4vp_response → authorization_code');
  return wallet.redeemAndIssue(String(second.body.authorization_code), options.configurationId, report);
}
