import { decodeSdJwt } from '@sd-jwt/decode';
import { digest } from '@sd-jwt/crypto-nodejs';
import { expect } from 'vitest';
import type { Answer } from '../../wallet/reference-wallet.js';
import { ContinueWithPdis, FetchRequest, pickOf, Respond, started, WalletCommand } from './challenge-commands.js';
import {
  type Allowed,
  allSessions,
  CONFIGURATIONS,
  expectAnswer,
  type Model,
  type Real,
  refused,
  type Session,
  TOKEN_SECONDS,
} from './wallet-model.js';

/** RFC 6749 §5.1, RFC 9449 §5: a DPoP-bound access token. */
function tokenIssued(s: Session, answer: Answer): Allowed {
  return {
    status: 200,
    update: () => {
      expect(answer.body).toMatchObject({ token_type: 'DPoP', expires_in: TOKEN_SECONDS });
      expect(typeof answer.body.access_token).toBe('string');
      s.token = String(answer.body.access_token);
      s.phase = 'token';
    },
  };
}

/** RFC 6749 §4.1.2: a code presented again is invalid_grant and revokes what the first use produced. */
const reused = (s: Session): Allowed =>
  refused(400, 'invalid_grant', () => {
    if (s.phase === 'token' || s.phase === 'done') s.phase = 'revoked';
  });

/**
 * The token endpoint's answer to `s`'s code from the session's own key or another one. With another key and a code
 * already used, which rule speaks first is not specified: either refusal is allowed, and the model follows it.
 */
export function tokenAnswers(s: Session, ownKey: boolean, answer: Answer): Allowed[] {
  if (s.phase === 'coded') return ownKey ? [tokenIssued(s, answer)] : [refused(400, 'invalid_dpop_proof')];
  return ownKey ? [reused(s)] : [reused(s), refused(400, 'invalid_dpop_proof')];
}

/** Seed step 12. */
export class Token extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'coded';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answer = await started(m, r, `token w${this.w}`, () => r.wallets[this.w]!.token(s.code!));
    expectAnswer(answer, tokenAnswers(s, true, answer), 'seed step 12 token');
  }
}

/**
 * RFC 6749 §4.1.2 (replay of a used code), P-20 fixation (another wallet's code under this wallet's DPoP key),
 * RFC 9449 §5 (this wallet's unused code under a stranger's key).
 */
export class ForeignCode extends WalletCommand {
  private candidates = (m: Model) =>
    allSessions(m).filter((s) => s.code && !(s.owner === this.w && s.phase === 'coded' && this.pick % 2 === 0));
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const s = pickOf(this.candidates(m), this.pick)!;
    // Own code: replayed with the own key, or (odd pick) an unused one with a stranger's key.
    const ownKey = s.owner === this.w && s.phase !== 'coded';
    const key = s.owner === this.w ? (ownKey ? r.wallets[this.w]!.dpopKey : r.stranger) : r.wallets[this.w]!.dpopKey;
    const answer = await started(m, r, `foreign code w${this.w}`, () =>
      r.wallets[this.w]!.token(s.code!, {}, { dpopKey: key }),
    );
    expectAnswer(
      answer,
      tokenAnswers(s, ownKey, answer),
      `RFC 6749 §4.1.2 / P-20 code (${s.phase}, own key ${ownKey})`,
    );
  }
}

/** OpenID4VCI §7: a fresh c_nonce, no-store. */
export class Nonce extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.nonces.length < 3;
  async run(m: Model, r: Real) {
    const nonce = await started(m, r, `nonce w${this.w}`, () => r.wallets[this.w]!.nonce());
    expect(nonce).toMatch(/^[A-Za-z0-9._~-]{16,}$/);
    expect([...m.spentNonces, ...m.wallets.flatMap((w) => w.nonces)]).not.toContain(nonce);
    m.wallets[this.w]!.nonces.push(nonce);
  }
}

/** A nonce the wallet holds, or a fresh one from the nonce endpoint (as a wallet does before a credential request). */
async function takeNonce(m: Model, r: Real, w: number): Promise<string> {
  return m.wallets[w]!.nonces.shift() ?? (await started(m, r, `nonce w${w}`, () => r.wallets[w]!.nonce()));
}

/** OpenID4VCI §8.3: one SD-JWT VC bound to the proof key, for a granted configuration. */
async function expectCredential(answer: Answer, holderJwk: object) {
  const credentials = answer.body.credentials as Array<{ credential: string }>;
  expect(credentials).toHaveLength(1);
  const decoded = await decodeSdJwt(credentials[0]!.credential, digest);
  expect(decoded.jwt.header.typ).toBe('dc+sd-jwt');
  expect(decoded.jwt.payload.cnf).toEqual({ jwk: holderJwk });
}

/**
 * The credential endpoint (a protected resource: RFC 9449 §7.1) for session `s`'s token with a fresh c_nonce;
 * `issued`: a configuration already issued under this grant (I-40). A revoked token is invalid_token whatever it
 * asks for (RFC 6750 §3.1, RFC 6749 §4.1.2).
 */
export function credentialAnswers(s: Session, ownKey: boolean, issued: boolean): Allowed[] {
  const denied = refused(400, 'credential_request_denied');
  if (s.phase === 'revoked') {
    return ownKey
      ? [refused(401, 'invalid_token')]
      : [refused(401, 'invalid_token'), refused(401, 'invalid_dpop_proof')];
  }
  if (!ownKey)
    return s.phase === 'done' ? [denied, refused(401, 'invalid_dpop_proof')] : [refused(401, 'invalid_dpop_proof')];
  if (s.phase === 'done' || issued) return [denied];
  return [];
}

/** Seed step 14: the next granted configuration; once all are issued, credential_request_denied (I-40). */
export class Credential extends WalletCommand {
  constructor(
    w: number,
    readonly again: boolean,
  ) {
    super(w);
  }
  check = (m: Model) => {
    const s = m.wallets[this.w]!.current;
    return !!s?.token && (!this.again || (s.phase === 'token' && s.issued.length > 0));
  };
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const cNonce = await takeNonce(m, r, this.w);
    const configurationId = this.again
      ? s.issued[0]!
      : (CONFIGURATIONS.find((c) => !s.issued.includes(c)) ?? CONFIGURATIONS[0]);
    const answer = await started(m, r, `credential w${this.w}`, () =>
      r.wallets[this.w]!.credential(s.token!, { configurationId, cNonce }),
    );
    const refusals = credentialAnswers(s, true, s.issued.includes(configurationId));
    const ok = expectAnswer(
      answer,
      refusals.length ? refusals : [{ status: 200 }],
      `OpenID4VCI §8 credential (${s.phase})`,
    );
    if (ok.status !== 200) return;
    await expectCredential(answer, r.wallets[this.w]!.options.holderKey.publicJwk);
    m.spentNonces.push(cNonce);
    s.issued.push(configurationId);
    if (s.issued.length === CONFIGURATIONS.length) s.phase = 'done';
  }
  override toString = () => `Credential(w${this.w}${this.again ? ', again' : ''})`;
}

/** OpenID4VCI §13.8: a c_nonce a credential was issued with is spent, for every wallet. */
export class ReplayCNonce extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'token' && m.spentNonces.length > 0;
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const cNonce = pickOf(m.spentNonces, this.pick)!;
    const configurationId = CONFIGURATIONS.find((c) => !s.issued.includes(c))!;
    const answer = await started(m, r, `replay c_nonce w${this.w}`, () =>
      r.wallets[this.w]!.credential(s.token!, { configurationId, cNonce }),
    );
    expectAnswer(answer, [refused(400, 'invalid_nonce')], 'OpenID4VCI §13.8 c_nonce replay');
  }
}

/** RFC 9449 §7.1, P-20: another wallet's access token under this wallet's key, or the own one under a stranger's. */
export class ForeignToken extends WalletCommand {
  private candidates = (m: Model) => allSessions(m).filter((s) => s.token);
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const s = pickOf(this.candidates(m), this.pick)!;
    const key = s.owner === this.w ? r.stranger : r.wallets[this.w]!.dpopKey;
    const cNonce = await takeNonce(m, r, this.w);
    const configurationId = CONFIGURATIONS.find((c) => !s.issued.includes(c)) ?? CONFIGURATIONS[0];
    const answer = await started(m, r, `foreign token w${this.w}`, () =>
      r.wallets[this.w]!.credential(s.token!, { configurationId, cNonce }, { dpopKey: key }),
    );
    expectAnswer(
      answer,
      credentialAnswers(s, false, s.issued.includes(configurationId)),
      `RFC 9449 §7.1 token with another key (${s.phase})`,
    );
  }
}

/** The wallet's next step of the honest flow, whatever it is (so that short runs still get far). */
export class Advance extends WalletCommand {
  private next(m: Model): WalletCommand | undefined {
    return [
      new FetchRequest(this.w),
      new Respond(this.w, false),
      new ContinueWithPdis(this.w),
      new Token(this.w),
      new Credential(this.w, false),
    ].find((c) => c.check(m) && !(c instanceof Credential && m.wallets[this.w]!.current?.phase !== 'token'));
  }
  check = (m: Model) => this.next(m) !== undefined;
  run = (m: Model, r: Real) => this.next(m)!.run(m, r);
  override toString = () => `Advance(w${this.w})`;
}
