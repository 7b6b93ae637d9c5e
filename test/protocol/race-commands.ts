import type fc from 'fast-check';
import { expect } from 'vitest';
import type { Answer } from '../../wallet/reference-wallet.js';
import { started, WalletCommand } from './challenge-commands.js';
import {
  CONFIGURATIONS,
  currentRequest,
  expectAnswer,
  fetchRequestAnswer,
  MAX_ATTEMPTS,
  type Model,
  type Real,
  refused,
  WALLETS,
} from './wallet-model.js';

/**
 * Races: `copies` identical requests of one wallet, each with its own fresh DPoP proof, started in the order
 * the scheduler picks and then running concurrently on the server. The predictions are the order-independent
 * ones: exactly one copy wins, every other copy gets one of the refusals that copy could get after the winner.
 */
abstract class Race extends WalletCommand {
  constructor(
    w: number,
    readonly copies: number,
  ) {
    super(w);
  }
  protected all<T>(m: Model, r: Real, label: string, request: () => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: this.copies }, (_, i) => started(m, r, `${label} #${i}`, request)));
  }
  protected winner(answers: Answer[], isWin: (a: Answer) => boolean, step: string): Answer {
    const wins = answers.filter(isWin);
    expect(
      wins,
      `${step}: exactly one of ${this.copies} wins (${JSON.stringify(answers.map((a) => a.body))})`,
    ).toHaveLength(1);
    return wins[0]!;
  }
  override toString(): string {
    return `${this.constructor.name}(w${this.w}, ×${this.copies})`;
  }
}

/** P-40: one request object fetch per transaction. */
export class RaceFetch extends Race {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'pending';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const fetched = await this.all(m, r, `fetch w${this.w}`, () =>
      fetchRequestAnswer(r.wallets[this.w]!, currentRequest(s).presentation),
    );
    const win = this.winner(
      fetched.map((f) => f.answer),
      (a) => a.status === 200,
      'P-40 racing fetches',
    );
    for (const f of fetched)
      if (f.answer !== win) expectAnswer(f.answer, [refused(400, 'invalid_request')], 'P-40 losing fetch', false);
    currentRequest(s).request = fetched.find((f) => f.answer === win)!.request!;
    s.phase = 'retrieved';
  }
}

/** P-41, OpenID4VP §8.2: one accepted response per transaction, so exactly one pdis. */
export class RacePresent extends Race {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'retrieved';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const q = currentRequest(s);
    const answers = await this.all(m, r, `present w${this.w}`, () => r.wallets[this.w]!.respond(q.request!));
    const win = this.winner(answers, (a) => a.status === 200, 'P-41 racing presentations');
    for (const a of answers)
      if (a !== win) expectAnswer(a, [refused(400, 'invalid_request')], 'P-41 losing presentation');
    q.answered = true;
    s.pdis = String(win.body.presentation_during_issuance_session);
    s.phase = 'verified';
  }
}

/** P-20, PDI-DE: of identical second challenges exactly one gets the code; the pdis is spent, the auth_session finished. */
export class RaceContinue extends Race {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'verified';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answers = await this.all(m, r, `continue w${this.w}`, () =>
      r.wallets[this.w]!.challenge({ auth_session: s.authSession, presentation_during_issuance_session: s.pdis! }),
    );
    const win = this.winner(answers, (a) => a.status === 200, 'P-20 racing second challenges');
    for (const a of answers)
      if (a !== win)
        expectAnswer(a, [refused(400, 'invalid_session'), refused(400, 'invalid_request')], 'P-20 losing challenge');
    s.code = String(win.body.authorization_code);
    s.phase = 'coded';
  }
}

/** PDI-DE: of identical retries after a wallet error exactly one rotates the auth_session (or denies). */
export class RaceRetry extends Race {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'errored';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answers = await this.all(m, r, `retry w${this.w}`, () =>
      r.wallets[this.w]!.challenge({ auth_session: s.authSession }),
    );
    const deny = s.attempts >= MAX_ATTEMPTS;
    const win = this.winner(
      answers,
      (a) => a.body.error === (deny ? 'access_denied' : 'insufficient_authorization'),
      'PDI-DE racing retries',
    );
    for (const a of answers) if (a !== win) expectAnswer(a, [refused(400, 'invalid_session')], 'PDI-DE losing retry');
    if (deny) s.phase = 'denied';
    else {
      s.rotated.push(s.authSession);
      s.authSession = String(win.body.auth_session);
      s.requests.push({ presentation: String(win.body.presentation), answered: false });
      s.attempts += 1;
      s.phase = 'pending';
    }
  }
}

/**
 * RFC 6749 §4.1.2: of identical token requests exactly one gets a token; every other one is a second use of the
 * code, so invalid_grant, and (whatever the order) the token the first use produced is revoked.
 */
export class RaceToken extends Race {
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'coded';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const answers = await this.all(m, r, `token w${this.w}`, () => r.wallets[this.w]!.token(s.code!));
    const win = this.winner(answers, (a) => a.status === 200, 'RFC 6749 §4.1.2 racing token requests');
    for (const a of answers)
      if (a !== win) expectAnswer(a, [refused(400, 'invalid_grant')], 'RFC 6749 §4.1.2 losing token');
    s.token = String(win.body.access_token);
    s.phase = 'revoked';
  }
}

/**
 * OpenID4VCI §13.8 and I-40: requests for one configuration racing, each with its own c_nonce (`sameNonce`: all with
 * one c_nonce): exactly one credential; the others are refused as a spent nonce or an issued configuration.
 */
export class RaceCredential extends Race {
  constructor(
    w: number,
    copies: number,
    readonly sameNonce: boolean,
  ) {
    super(w, copies);
  }
  check = (m: Model) => m.wallets[this.w]!.current?.phase === 'token';
  async run(m: Model, r: Real) {
    const s = m.wallets[this.w]!.current!;
    const wallet = r.wallets[this.w]!;
    const configurationId = CONFIGURATIONS.find((c) => !s.issued.includes(c))!;
    const shared = await started(m, r, `nonce w${this.w}`, () => wallet.nonce());
    const answers = await this.all(m, r, `credential w${this.w}`, async () => {
      const cNonce = this.sameNonce ? shared : await wallet.nonce();
      return wallet.credential(s.token!, { configurationId, cNonce });
    });
    const win = this.winner(answers, (a) => a.status === 200, 'OpenID4VCI §13.8 / I-40 racing credentials');
    const losing = this.sameNonce
      ? [refused(400, 'invalid_nonce'), refused(400, 'credential_request_denied')]
      : [refused(400, 'credential_request_denied')];
    for (const a of answers) if (a !== win) expectAnswer(a, losing, 'I-40 losing credential');
    if (this.sameNonce) m.spentNonces.push(shared);
    s.issued.push(configurationId);
    if (s.issued.length === CONFIGURATIONS.length) s.phase = 'done';
  }
  override toString = () => `RaceCredential(w${this.w}, ×${this.copies}${this.sameNonce ? ', one c_nonce' : ''})`;
}

/**
 * Scheduled property: the step starts and the command returns at once, so the next commands (other wallets' steps)
 * start while it is in flight, in the order the scheduler picks. One step in flight per wallet, so each wallet's
 * predictions stay sequential; a step that reads other wallets' sessions (`exclusive`) waits for none in flight.
 */
export class Launch implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly step: WalletCommand,
    readonly exclusive: boolean,
  ) {}
  private wallets = () => (this.exclusive ? Array.from({ length: WALLETS }, (_, i) => i) : [this.step.w]);
  check = (m: Model) => (this.exclusive ? m.busy.size === 0 : !m.busy.has(this.step.w)) && this.step.check(m);
  async run(m: Model, r: Real) {
    for (const i of this.wallets()) m.busy.add(i);
    const settled = this.step.run(m, r).then(
      () => undefined,
      (error: unknown) => error,
    );
    r.inflight.push(
      settled.finally(() => {
        for (const i of this.wallets()) m.busy.delete(i);
      }),
    );
  }
  toString = () => `${this.exclusive ? 'Exclusive' : 'Launch'}(${this.step.toString()})`;
}

/** The wallet's next step of the flow, raced. */
export class RaceNext extends Race {
  constructor(
    w: number,
    copies: number,
    readonly sameNonce: boolean,
  ) {
    super(w, copies);
  }
  private next = (m: Model) =>
    [
      new RaceFetch(this.w, this.copies),
      new RacePresent(this.w, this.copies),
      new RaceContinue(this.w, this.copies),
      new RaceRetry(this.w, this.copies),
      new RaceToken(this.w, this.copies),
      new RaceCredential(this.w, this.copies, this.sameNonce),
    ].find((race) => race.check(m));
  check = (m: Model) => this.next(m) !== undefined;
  run = (m: Model, r: Real) => this.next(m)!.run(m, r);
  override toString = () => `RaceNext(w${this.w}, ×${this.copies}${this.sameNonce ? ', one c_nonce' : ''})`;
}
