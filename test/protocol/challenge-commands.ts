import type fc from 'fast-check';
import { expect } from 'vitest';
import type { Answer } from '../../wallet/reference-wallet.js';
import {
  type Allowed,
  allSessions,
  currentRequest,
  deadAuthSessions,
  expectAnswer,
  fetchRequestAnswer,
  live,
  MAX_ATTEMPTS,
  MAX_SESSIONS_PER_WALLET,
  type Model,
  type Real,
  refused,
  SCOPE,
  type Session,
} from './wallet-model.js';

/** One wallet step; `pick` chooses among the values a misbehaving step could replay. */
export abstract class WalletCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly w: number,
    readonly pick = 0,
  ) {}
  abstract check(m: Model): boolean;
  abstract run(m: Model, r: Real): Promise<void>;
  toString(): string {
    return `${this.constructor.name}(w${this.w}${this.pick ? `, #${this.pick}` : ''})`;
  }
}

/** In the scheduled property, fast-check decides when each request starts; otherwise it starts at once. */
export async function started<T>(m: Model, r: Real, label: string, request: () => Promise<T>): Promise<T> {
  m.exchanges += 1;
  if (r.scheduler) await r.scheduler.schedule(Promise.resolve(label), label);
  return request();
}

export const pickOf = <T>(items: T[], pick: number): T | undefined => items[pick % Math.max(items.length, 1)];

/** FiPA §5.2.2.1 and the seed: insufficient_authorization carries an auth_session and an openid4vp:// URI. */
function expectInsufficient(answer: Answer, step: string) {
  const presentation = new URL(String(answer.body.presentation));
  expect(presentation.protocol, step).toBe('openid4vp:');
  expect(presentation.searchParams.get('request_uri'), step).toBeTruthy();
  expect(typeof answer.body.auth_session, step).toBe('string');
}

/** The answer to a challenge follow-up without pdis on the live session `s` (seed 000, PDI-DE, FiPA §5.3.1). */
export function withoutPdis(s: Session, answer: Answer, step: string): Allowed[] {
  if (s.phase === 'pending' || s.phase === 'retrieved')
    // PDI-DE: while the presentation is pending, the same presentation is re-signalled.
    return [
      refused(400, 'insufficient_authorization', () =>
        expect(answer.body, step).toMatchObject({
          auth_session: s.authSession,
          presentation: currentRequest(s).presentation,
        }),
      ),
    ];
  if (s.phase === 'errored') {
    if (s.attempts >= MAX_ATTEMPTS)
      return [
        refused(400, 'access_denied', () => {
          s.phase = 'denied';
        }),
      ];
    // Policy new_request: a new presentation request under a rotated auth_session (FiPA §5.3.1).
    return [
      refused(400, 'insufficient_authorization', () => {
        expectInsufficient(answer, step);
        expect(answer.body.auth_session, `${step}: rotated`).not.toBe(s.authSession);
        expect(answer.body.presentation, `${step}: new request`).not.toBe(currentRequest(s).presentation);
        s.rotated.push(s.authSession);
        s.authSession = String(answer.body.auth_session);
        s.requests.push({ presentation: String(answer.body.presentation), answered: false });
        s.attempts += 1;
        s.phase = 'pending';
      }),
    ];
  }
  // Verified: the presentation is done, only its pdis continues the session (P-20).
  return [refused(400, 'invalid_request')];
}

/** Seed step 4, FiPA §5.1: the first challenge opens a session. */
export class Start extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.sessions.length < MAX_SESSIONS_PER_WALLET;
  async run(m: Model, r: Real) {
    const answer = await started(m, r, `start w${this.w}`, () => r.wallets[this.w]!.challenge({ scope: SCOPE }));
    expectAnswer(answer, [refused(400, 'insufficient_authorization')], 'FiPA §5.1 first challenge');
    expectInsufficient(answer, 'first challenge');
    const wallet = m.wallets[this.w]!;
    const session: Session = {
      owner: this.w,
      phase: 'pending',
      authSession: String(answer.body.auth_session),
      rotated: [],
      requests: [{ presentation: String(answer.body.presentation), answered: false }],
      attempts: 1,
      issued: [],
    };
    wallet.sessions.push(session);
    wallet.current = session;
  }
}

/** Seed step 6: the request object, fetched once (P-40). */
export class FetchRequest extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'pending';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const { answer, request } = await started(m, r, `fetch w${this.w}`, () =>
      fetchRequestAnswer(r.wallets[this.w]!, currentRequest(s).presentation),
    );
    expectAnswer(answer, [{ status: 200 }], 'OpenID4VP §5.10 request object', false);
    currentRequest(s).request = request!;
    s.phase = 'retrieved';
  }
}

/** P-40: a request object that was fetched, or superseded by a new request, is not served again. */
export class RefetchRequest extends WalletCommand {
  private candidates = (m: Model) =>
    m.wallets[this.w]!.sessions.flatMap((s) => s.requests.filter((q) => q.request || q !== currentRequest(s)));
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const q = pickOf(this.candidates(m), this.pick)!;
    const { answer } = await started(m, r, `refetch w${this.w}`, () =>
      fetchRequestAnswer(r.wallets[this.w]!, q.presentation),
    );
    expectAnswer(answer, [refused(400, 'invalid_request')], 'P-40 request object replay', false);
  }
}

/** Seed steps 7–9: a valid presentation mints the pdis (P-41); `error` posts the wallet's refusal instead. */
export class Respond extends WalletCommand {
  constructor(
    w: number,
    readonly error: boolean,
  ) {
    super(w);
  }
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'retrieved';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const q = currentRequest(s);
    const answer = await started(m, r, `respond w${this.w}`, () =>
      r.wallets[this.w]!.respond(q.request!, this.error ? { error: 'access_denied' } : {}),
    );
    expectAnswer(answer, [{ status: 200 }], this.error ? 'OpenID4VP §8.2 wallet error' : 'seed 002 P-41 presentation');
    q.answered = true;
    if (this.error) s.phase = 'errored';
    else {
      expect(typeof answer.body.presentation_during_issuance_session).toBe('string');
      s.pdis = String(answer.body.presentation_during_issuance_session);
      s.phase = 'verified';
    }
  }
  override toString = () => `Respond(w${this.w}, ${this.error ? 'error' : 'valid'})`;
}

/** OpenID4VP §8.2, seed: one accepted response per transaction; a second one (or one after rotation) is refused. */
export class ReplayResponse extends WalletCommand {
  constructor(
    w: number,
    pick: number,
    readonly error: boolean,
  ) {
    super(w, pick);
  }
  private candidates = (m: Model) =>
    m.wallets[this.w]!.sessions.flatMap((s) =>
      s.requests.filter((q) => q.request && !(q === currentRequest(s) && s.phase === 'retrieved')),
    );
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const q = pickOf(this.candidates(m), this.pick)!;
    const answer = await started(m, r, `replay response w${this.w}`, () =>
      r.wallets[this.w]!.respond(q.request!, this.error ? { error: 'access_denied' } : {}),
    );
    expectAnswer(answer, [refused(400, 'invalid_request')], 'P-40 one response per request');
  }
  override toString = () => `ReplayResponse(w${this.w}, #${this.pick}, ${this.error ? 'error' : 'valid'})`;
}

/** Seed step 10: auth_session + pdis gives the authorization code, and finishes the auth_session. */
export class ContinueWithPdis extends WalletCommand {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'verified';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answer = await started(m, r, `continue w${this.w}`, () =>
      r.wallets[this.w]!.challenge({ auth_session: s.authSession, presentation_during_issuance_session: s.pdis! }),
    );
    expectAnswer(answer, [{ status: 200 }], 'seed step 10 code');
    expect(typeof answer.body.authorization_code).toBe('string');
    s.code = String(answer.body.authorization_code);
    s.phase = 'coded';
  }
}

/** Seed 000: the follow-up with auth_session only (still pending, retry after a wallet error, or out of order). */
export class ContinueWithoutPdis extends WalletCommand {
  check = (m: Model) => live(m.wallets[this.w]!.current);
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answer = await started(m, r, `retry w${this.w}`, () =>
      r.wallets[this.w]!.challenge({ auth_session: s.authSession }),
    );
    expectAnswer(answer, withoutPdis(s, answer, `PDI-DE follow-up in ${s.phase}`), `PDI-DE follow-up in ${s.phase}`);
  }
}

/** FiPA §5.3.1: a rotated or finished auth_session is invalid_session, with or without its pdis. */
export class ReplayAuthSession extends WalletCommand {
  private candidates = (m: Model) =>
    m.wallets[this.w]!.sessions.flatMap((s) => deadAuthSessions(s).map((a) => ({ s, a })));
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const { s, a } = pickOf(this.candidates(m), this.pick)!;
    const params: Record<string, string> = {
      auth_session: a,
      ...(s.pdis && { presentation_during_issuance_session: s.pdis }),
    };
    const answer = await started(m, r, `replay auth w${this.w}`, () => r.wallets[this.w]!.challenge(params));
    expectAnswer(answer, [refused(400, 'invalid_session')], 'FiPA §5.3.1 dead auth_session');
  }
}

/** P-20 fixation: a pdis minted for another session (another wallet's, or this wallet's earlier one) is refused. */
export class ForeignPdis extends WalletCommand {
  private candidates = (m: Model) =>
    allSessions(m)
      .filter((s) => s.pdis && s !== m.wallets[this.w]!.current)
      .map((s) => s.pdis!);
  check = (m: Model) => live(m.wallets[this.w]!.current) && this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const pdis = pickOf(this.candidates(m), this.pick)!;
    const answer = await started(m, r, `foreign pdis w${this.w}`, () =>
      r.wallets[this.w]!.challenge({ auth_session: s.authSession, presentation_during_issuance_session: pdis }),
    );
    expectAnswer(answer, [refused(400, 'invalid_request')], 'P-20 fixation: foreign pdis');
  }
}

/**
 * FiPA §9.6.1, P-20: another wallet's live auth_session (and its pdis, once verified) under this wallet's DPoP
 * key, or this wallet's own under a stranger's key, is invalid_dpop_proof and changes nothing.
 */
export class SwappedKeyChallenge extends WalletCommand {
  private candidates = (m: Model) =>
    allSessions(m).filter((s) => live(s) && (s.owner !== this.w || s === m.wallets[this.w]!.current));
  check = (m: Model) => this.candidates(m).length > 0;
  async run(m: Model, r: Real) {
    const s = pickOf(this.candidates(m), this.pick)!;
    const params: Record<string, string> = {
      auth_session: s.authSession,
      ...(s.phase === 'verified' && { presentation_during_issuance_session: s.pdis! }),
    };
    const key = s.owner === this.w ? r.stranger : r.wallets[this.w]!.dpopKey;
    const answer = await started(m, r, `swapped key w${this.w}`, () =>
      r.wallets[this.w]!.challenge(params, { dpopKey: key }),
    );
    expectAnswer(
      answer,
      [refused(400, 'invalid_dpop_proof')],
      `FiPA §9.6.1 auth_session with another key (${s.phase})`,
    );
  }
}
