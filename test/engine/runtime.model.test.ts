import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { Engine, expireDue, fold, stateName, type Command, type Decision } from '../../engine/index.js';
import { engineConfig } from '../../testing/engine-config.js';
import { Flow, SECOND, T0 } from '../../testing/flow.js';
import { STORES } from '../support/stores.js';

/**
 * Model-based test (fast-check `fc.commands`): a tiny model of one session, much
 * simpler than the engine, predicts whether each command is accepted and which
 * state follows; the real runtime runs over a real store.
 */
type Phase =
  | 'pending'
  | 'retrieved'
  | 'verified'
  | 'errored'
  | 'coded'
  | 'token'
  | 'done'
  | 'revoked'
  | 'expired'
  | 'denied'
  | 'erased';
const STATE_OF: Record<Phase, string> = {
  pending: 'presentationRequired',
  retrieved: 'requestRetrieved',
  verified: 'presentationVerified',
  errored: 'walletErrored',
  coded: 'codeIssued',
  token: 'tokenIssued',
  done: 'completed',
  revoked: 'revoked',
  expired: 'expired',
  denied: 'denied',
  erased: 'erased',
};
const MAX_ATTEMPTS = 3;

interface Model {
  phase: Phase;
  round: number;
  attempts: number;
  nonces: number;
  nonceFresh: boolean;
  late: boolean;
  now: number;
}
interface Real {
  engine: Engine;
  flow: Flow;
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  /** Refused once its deadlines passed (every step but erasure). */
  readonly timed: boolean = true;
  abstract command(m: Model, flow: Flow): Command;
  /** The phase after the command, or null when it must be refused. */
  abstract expect(m: Model): Phase | null;
  async run(m: Model, r: Real) {
    m.now += SECOND;
    const next = m.late && this.timed ? null : this.expect(m);
    const outcome: Decision = await r.engine.execute(this.command(m, r.flow));
    expect(isLeft(outcome), `${this.toString()} in ${m.phase}`).toBe(next === null);
    if (next) this.update(m, next);
    else if (this instanceof Redeem && (m.phase === 'token' || m.phase === 'done') && !m.late) m.phase = 'revoked';
    const state = await r.engine.load(r.flow.sessionId);
    expect(stateName(state)).toBe(STATE_OF[m.phase]);
    expect(fold(await r.engine.store.read(r.flow.sessionId)).snapshot.context).toEqual(state.snapshot.context);
  }
  update(m: Model, next: Phase) {
    m.phase = next;
  }
  toString() {
    return this.constructor.name;
  }
}
class Retrieve extends Step {
  command = (m: Model, f: Flow) => f.retrieve(m.now, m.round);
  expect = (m: Model) => (m.phase === 'pending' ? 'retrieved' : null);
}
class Present extends Step {
  constructor(readonly valid: boolean) {
    super();
  }
  command = (m: Model, f: Flow) => f.present(m.now, m.round, this.valid ? {} : { nonce: f.value('nonce', 99) });
  expect = (m: Model) => (m.phase === 'retrieved' && this.valid ? 'verified' : null);
  override toString = () => `Present(${this.valid})`;
}
class WalletError extends Step {
  command = (m: Model, f: Flow) => f.walletError(m.now, m.round);
  expect = (m: Model) => (m.phase === 'retrieved' ? 'errored' : null);
}
class Continue extends Step {
  constructor(readonly withPdis: boolean) {
    super();
  }
  command = (m: Model, f: Flow) =>
    f.continue(m.now, { round: m.round, ...(this.withPdis && { pdis: f.value('pdis', m.round) }) });
  expect(m: Model): Phase | null {
    if (this.withPdis) return m.phase === 'verified' ? 'coded' : null;
    if (m.phase === 'pending' || m.phase === 'retrieved') return m.phase;
    if (m.phase === 'errored') return m.attempts < MAX_ATTEMPTS ? 'pending' : 'denied';
    return null;
  }
  override update(m: Model, next: Phase) {
    if (m.phase === 'errored' && next === 'pending') Object.assign(m, { round: m.round + 1, attempts: m.attempts + 1 });
    m.phase = next;
  }
  override toString = () => `Continue(${this.withPdis})`;
}
class Redeem extends Step {
  command = (m: Model, f: Flow) => f.redeem(m.now);
  expect = (m: Model) => (m.phase === 'coded' ? 'token' : null);
}
class Nonce extends Step {
  command = (m: Model, f: Flow) => f.nonce(m.now, m.nonces + 1);
  expect = (m: Model) => (m.phase === 'token' ? 'token' : null);
  override update(m: Model, next: Phase) {
    Object.assign(m, { phase: next, nonces: m.nonces + 1, nonceFresh: true });
  }
}
class Credential extends Step {
  command = (m: Model, f: Flow) => f.credential(m.now, Math.max(m.nonces, 1));
  expect = (m: Model) => (m.phase === 'token' && m.nonceFresh ? 'done' : null);
}
class Erase extends Step {
  override readonly timed = false;
  command = (m: Model, f: Flow) => f.erase(m.now);
  expect = (m: Model) => (['revoked', 'expired', 'denied', 'erased'].includes(m.phase) ? null : 'erased');
}
class Wait implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += 3 * 60 * 60 * SECOND;
    m.late = true;
    await expireDue(r.engine, m.now, () => r.flow.eventId());
    if (!['done', 'revoked', 'expired', 'denied', 'erased'].includes(m.phase)) m.phase = 'expired';
    expect(stateName(await r.engine.load(r.flow.sessionId))).toBe(STATE_OF[m.phase]);
  }
  toString = () => 'Wait+Expire';
}

const allSteps = [
  fc.constant(new Retrieve()),
  fc.boolean().map((v) => new Present(v)),
  fc.constant(new WalletError()),
  fc.boolean().map((v) => new Continue(v)),
  fc.constant(new Redeem()),
  fc.constant(new Nonce()),
  fc.constant(new Credential()),
  fc.constant(new Wait()),
  fc.constant(new Erase()),
];

describe.each(Object.keys(STORES))('the runtime against a model, on the %s store', (storeName) => {
  it('agrees with the model on every command sequence', async () => {
    let sessions = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(allSteps, { maxCommands: 25 }), async (steps) => {
        const opened = STORES[storeName]!();
        try {
          const engine = new Engine({
            store: opened.store,
            config: engineConfig({ maxPresentationAttempts: MAX_ATTEMPTS }),
          });
          const flow = new Flow(`session-model-${storeName}-${++sessions}`);
          expect(isLeft(await engine.execute(flow.start(T0)))).toBe(false);
          const model: Model = {
            phase: 'pending',
            round: 1,
            attempts: 1,
            nonces: 0,
            nonceFresh: false,
            late: false,
            now: T0,
          };
          await fc.asyncModelRun(() => ({ model, real: { engine, flow } }), steps);
        } finally {
          await opened.dispose();
        }
      }),
      { numRuns: storeName === 'sqlite' ? 60 : 150 },
    );
  });
});
