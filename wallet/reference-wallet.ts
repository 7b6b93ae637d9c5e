import { CompactEncrypt, importJWK } from 'jose';
import { encryptedExchange, type ResponseEncryptionRequest } from './credential-encryption.js';
import { dpopProof, generateWalletKey, keyProof, type WalletKey } from './keys.js';
import { presentSdJwtVc } from './presentation.js';
import type { WalletFetch, WalletResponse } from './keep-alive-fetch.js';
import { fetchRequestObject, type WalletRequest } from './request-object.js';

/** What an endpoint answered. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: WalletResponse['headers'];
}

export interface WalletOptions {
  issuerUrl: string;
  clientId?: string;
  /** The PID (an SD-JWT VC bound to `holderKey`) the wallet presents. */
  pid: string;
  holderKey: WalletKey;
  dpopKey?: WalletKey;
  /** The global fetch by default. */
  fetch?: WalletFetch;
  now?: () => number;
}

/** A flow's step check: the answer must have `status`, else the flow stops with what came back; each step is reported. */
export function stepCheck(report: (step: string, detail: unknown) => void) {
  return (answer: Answer, status: number, step: string): void => {
    if (answer.status !== status) throw new Error(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    report(step, answer.body);
  };
}

/** How a presentation may deviate from what the request asks, so tests can make the wallet misbehave on purpose. */
export interface ResponseDeviation {
  error?: string;
  nonce?: string;
  audience?: string;
  state?: string;
  vpToken?: string;
  compress?: boolean;
}

/** Per-call deviations, so tests can make the wallet misbehave on purpose. */
export interface CallOptions {
  dpopKey?: WalletKey | null;
  headers?: Record<string, string>;
}

/**
 * The reference wallet: a client of the issuer's own endpoints that holds a PID and runs
 * the seed's flow step by step (each step a method, so tests can reorder, replay or
 * tamper), or all at once with `runFlow`.
 */
export class ReferenceWallet {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly dpopKey: WalletKey;
  private readonly fetcher: WalletFetch;
  readonly now: () => number;

  private constructor(
    readonly options: WalletOptions,
    dpopKey: WalletKey,
  ) {
    this.issuerUrl = options.issuerUrl.replace(/\/$/, '');
    this.clientId = options.clientId ?? 'reference-wallet';
    this.dpopKey = dpopKey;
    this.fetcher = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  static async create(options: WalletOptions): Promise<ReferenceWallet> {
    return new ReferenceWallet(options, options.dpopKey ?? (await generateWalletKey()));
  }

  private async call(
    method: string,
    url: string,
    body: string | undefined,
    contentType: string | undefined,
    options: CallOptions & { accessToken?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const key = options.dpopKey === undefined ? this.dpopKey : options.dpopKey;
    if (key)
      headers.DPoP = await dpopProof(key, {
        method,
        url,
        now: this.now(),
        ...(options.accessToken && { accessToken: options.accessToken }),
      });
    if (options.accessToken) headers.Authorization = `DPoP ${options.accessToken}`;
    const response = await this.fetcher(url, {
      method,
      headers: { ...headers, ...options.headers },
      ...(body !== undefined && { body }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  form(url: string, params: Record<string, string>, options?: CallOptions & { accessToken?: string }): Promise<Answer> {
    return this.call('POST', url, new URLSearchParams(params).toString(), 'application/x-www-form-urlencoded', options);
  }

  async metadata(): Promise<{ issuer: Answer; authorizationServer: Answer }> {
    const [issuer, authorizationServer] = await Promise.all([
      this.call('GET', `${this.issuerUrl}/.well-known/openid-credential-issuer`, undefined, undefined, {
        dpopKey: null,
      }),
      this.call('GET', `${this.issuerUrl}/.well-known/oauth-authorization-server`, undefined, undefined, {
        dpopKey: null,
      }),
    ]);
    return { issuer, authorizationServer };
  }

  /** Seed step 4 (first call) or 10 (with auth_session and pdis). */
  challenge(params: Record<string, string>, options?: CallOptions): Promise<Answer> {
    return this.form(`${this.issuerUrl}/authorize-challenge`, { client_id: this.clientId, ...params }, options);
  }

  /** Seed step 6: fetch and verify the request object behind `presentation`. */
  requestObject(presentation: string): Promise<WalletRequest> {
    return fetchRequestObject(this.fetcher, presentation);
  }

  /**
   * What the wallet answers `request` with: the vp_token of its PID presentation (or, with
   * `error`, its refusal), plus `state` when the request had one; for the `.jwt` response modes
   * encrypted to the request's key, as `{response}`.
   */
  async responsePayload(request: WalletRequest, deviation: ResponseDeviation = {}): Promise<Record<string, unknown>> {
    const state = deviation.state ?? request.state;
    const withState = state ? { state } : {};
    if (deviation.error) return { error: deviation.error, ...withState };
    const presentation =
      deviation.vpToken ??
      (await presentSdJwtVc(this.options.pid, this.options.holderKey, {
        nonce: deviation.nonce ?? request.nonce,
        audience: deviation.audience ?? request.clientId,
        claims: request.claims,
        now: this.now(),
      }));
    const payload = { vp_token: { pid: [presentation] }, ...withState };
    if (!request.responseMode.endsWith('.jwt')) return payload;
    const jwk = request.encryptionJwk!;
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({
        alg: 'ECDH-ES',
        enc: 'A128GCM',
        ...(typeof jwk.kid === 'string' && { kid: jwk.kid }),
        ...(deviation.compress && { zip: 'DEF' }),
      })
      .encrypt(await importJWK(jwk, 'ECDH-ES'));
    return { response: jwe };
  }

  /** Seed steps 7–8: the presentation (or, with `error`, the wallet's refusal) to the response_uri. */
  async respond(request: WalletRequest, deviation: ResponseDeviation = {}): Promise<Answer> {
    const payload = await this.responsePayload(request, deviation);
    const form = Object.fromEntries(
      Object.entries(payload).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
    return this.form(request.responseUri, form, { dpopKey: null });
  }

  /** Seed step 12: the authorization code for a DPoP-bound access token. */
  token(code: string, params: Record<string, string> = {}, options?: CallOptions): Promise<Answer> {
    return this.form(
      `${this.issuerUrl}/token`,
      { grant_type: 'authorization_code', code, client_id: this.clientId, ...params },
      options,
    );
  }

  async nonce(): Promise<string> {
    const answer = await this.call('POST', `${this.issuerUrl}/nonce`, undefined, undefined, { dpopKey: null });
    return String(answer.body.c_nonce);
  }

  /**
   * Seed step 14: one credential per proof key, or (`attestation`, OpenID4VCI App. F.3) per attested key; with
   * `keyAttestation` in every jwt proof's header (App. F.1); with `encryption`, an encrypted request asking for an
   * encrypted response (§8.2, §10), whose decrypted JSON is the answer's body.
   */
  async credential(
    accessToken: string,
    request: {
      configurationId: string;
      cNonce: string;
      proofKeys?: WalletKey[];
      identifier?: boolean;
      /** The credential issuer identifier the key proofs name (OpenID4VCI App. F.1): the issuer URL unless said. */
      credentialIssuer?: string;
      keyAttestation?: string;
      attestation?: string;
      encryption?: ResponseEncryptionRequest;
    },
    options: CallOptions = {},
  ): Promise<Answer> {
    const keys = request.proofKeys ?? [this.options.holderKey];
    const proofs = request.attestation
      ? { attestation: [request.attestation] }
      : {
          jwt: await Promise.all(
            keys.map((key) =>
              keyProof(key, {
                audience: request.credentialIssuer ?? this.issuerUrl,
                nonce: request.cNonce,
                now: this.now(),
                clientId: this.clientId,
                ...(request.keyAttestation && { keyAttestation: request.keyAttestation }),
              }),
            ),
          ),
        };
    const body = {
      [request.identifier ? 'credential_identifier' : 'credential_configuration_id']: request.configurationId,
      proofs,
    };
    const url = `${this.issuerUrl}/credential`;
    const send = { ...options, accessToken };
    if (!request.encryption) return this.call('POST', url, JSON.stringify(body), 'application/json', send);
    const { issuer } = await this.metadata();
    return encryptedExchange(body, request.encryption, issuer.body, (payload, contentType) =>
      this.call('POST', url, payload, contentType, send),
    );
  }

  /** The whole flow (seed steps 4–15), reporting each step; throws on the first unexpected answer. */
  async runFlow(options: {
    scope: string;
    configurationId: string;
    issuerState?: string;
    onStep?: (step: string, detail: unknown) => void;
  }) {
    const report = options.onStep ?? (() => undefined);
    const expect = stepCheck(report);
    const first = await this.challenge({
      scope: options.scope,
      ...(options.issuerState && { issuer_state: options.issuerState }),
    });
    expect(first, 400, '4-5 authorization challenge → insufficient_authorization');
    const request = await this.requestObject(String(first.body.presentation));
    report('6 request object verified', {
      client_id: request.clientId,
      response_mode: request.responseMode,
      claims: request.claims,
    });
    const presented = await this.respond(request);
    expect(presented, 200, '7-9 presentation accepted → presentation_during_issuance_session');
    const second = await this.challenge({
      auth_session: String(first.body.auth_session),
      presentation_during_issuance_session: String(presented.body.presentation_during_issuance_session),
    });
    expect(second, 200, '10-11 authorization challenge with pdis → authorization_code');
    return this.redeemAndIssue(String(second.body.authorization_code), options.configurationId, report);
  }

  /** Seed steps 12–15, the same in every dialect: the code for a token, a c_nonce, the credential. */
  async redeemAndIssue(
    code: string,
    configurationId: string,
    report: (step: string, detail: unknown) => void = () => undefined,
    /** The identifier the wallet found (S1/S2: the second one), the PKCE verifier if the challenge sent a code_challenge, its redirect_uri. */
    redemption: { credentialIssuer?: string; codeVerifier?: string; redirectUri?: string } = {},
  ): Promise<string> {
    const expect = stepCheck(report);
    const { credentialIssuer = this.issuerUrl, codeVerifier, redirectUri } = redemption;
    const token = await this.token(code, {
      ...(codeVerifier !== undefined && { code_verifier: codeVerifier }),
      // RFC 6749 §4.1.3: the redirect_uri of the authorization request, when it had one.
      ...(redirectUri !== undefined && { redirect_uri: redirectUri }),
    });
    expect(token, 200, '12-13 token request → DPoP-bound access token');
    const cNonce = await this.nonce();
    report('14 nonce endpoint → c_nonce', { c_nonce: cNonce });
    const credential = await this.credential(String(token.body.access_token), {
      configurationId,
      cNonce,
      credentialIssuer,
    });
    expect(credential, 200, '14-15 credential request → credential');
    return String((credential.body.credentials as Array<{ credential: string }>)[0]!.credential);
  }
}
