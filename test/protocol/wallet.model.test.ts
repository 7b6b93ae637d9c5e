import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../config/load.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { generateWalletKey, type WalletKey } from '../../wallet/keys.js';
import {
  ContinueWithoutPdis,
  ForeignPdis,
  RefetchRequest,
  ReplayAuthSession,
  ReplayResponse,
  Respond,
  Start,
  SwappedKeyChallenge,
  type WalletCommand,
} from './challenge-commands.js';
import { Launch, RaceNext } from './race-commands.js';
import { Advance, Credential, ForeignCode, ForeignToken, Nonce, ReplayCNonce } from './token-commands.js';
import { coverage, MAX_ATTEMPTS, type Model, newModel, type Real, WALLETS } from './wallet-model.js';

/**
 * Issue 11 §5, protocol level: fast-check commands are reference-wallet steps over real HTTP against one
 * in-process issuer; an independent model of the wire protocol predicts each status and OAuth error code.
 */
const w = fc.integer({ min: 0, max: WALLETS - 1 });
const pick = fc.nat(11);
const copies = fc.integer({ min: 2, max: 3 });
type Step = fc.Arbitrary<WalletCommand>;

/** The flow's own steps; `Advance` (the next honest step) is weighted so that short runs get far into the flow. */
const flowSteps: Array<{ weight: number; arbitrary: Step }> = [
  { weight: 1, arbitrary: w.map((i) => new Start(i)) },
  { weight: 12, arbitrary: w.map((i) => new Advance(i)) },
  { weight: 2, arbitrary: w.map((i) => new Respond(i, true)) },
  { weight: 2, arbitrary: w.map((i) => new ContinueWithoutPdis(i)) },
  { weight: 1, arbitrary: w.map((i) => new Nonce(i)) },
  { weight: 1, arbitrary: w.map((i) => new Credential(i, true)) },
  { weight: 2, arbitrary: w.map((i) => new Credential(i, false)) },
];
/** Misbehaviours on the wallet's own values: replays, a stranger's key, out-of-order steps. */
const ownMisbehaviours: Array<{ weight: number; arbitrary: Step }> = [
  fc.tuple(w, pick).map(([i, p]) => new RefetchRequest(i, p)),
  fc.tuple(w, pick, fc.boolean()).map(([i, p, e]) => new ReplayResponse(i, p, e)),
  fc.tuple(w, pick).map(([i, p]) => new ReplayAuthSession(i, p)),
  fc.tuple(w, pick).map(([i, p]) => new ReplayCNonce(i, p)),
].map((arbitrary) => ({ weight: 1, arbitrary }));
/** Misbehaviours with other sessions' values (fixation), or that change another wallet's session. */
const crossMisbehaviours: Array<{ weight: number; arbitrary: Step }> = [
  fc.tuple(w, pick).map(([i, p]) => new ForeignPdis(i, p)),
  fc.tuple(w, pick).map(([i, p]) => new SwappedKeyChallenge(i, p)),
  fc.tuple(w, pick).map(([i, p]) => new ForeignCode(i, p)),
  fc.tuple(w, pick).map(([i, p]) => new ForeignCode(i, p)),
  fc.tuple(w, pick).map(([i, p]) => new ForeignToken(i, p)),
].map((arbitrary) => ({ weight: 1, arbitrary }));
/** Identical copies of a wallet's next step, racing (which one is named in the counterexample). */
const races: Array<{ weight: number; arbitrary: Step }> = [
  { weight: 6, arbitrary: fc.tuple(w, copies, fc.boolean()).map(([i, n, same]) => new RaceNext(i, n, same)) },
];

const sequential = fc.commands(
  [fc.oneof(...flowSteps, ...ownMisbehaviours, ...crossMisbehaviours) as fc.Arbitrary<fc.AsyncCommand<Model, Real>>],
  { maxCommands: 40, size: 'max' },
);
const launched = (steps: Array<{ weight: number; arbitrary: Step }>, exclusive: boolean) =>
  steps.map(({ weight, arbitrary }) => ({ weight, arbitrary: arbitrary.map((step) => new Launch(step, exclusive)) }));
/**
 * Rounds of launched steps: in a round every wallet has at most one step in flight, all interleaved by the
 * scheduler; the round ends when every step has settled (a wallet's next step needs the previous answer).
 */
const concurrent = fc.array(
  fc.commands(
    [
      fc.oneof(
        ...launched([...flowSteps, ...ownMisbehaviours, ...races], false),
        ...launched(crossMisbehaviours, true),
      ) as fc.Arbitrary<fc.AsyncCommand<Model, Real>>,
    ],
    { maxCommands: 6, size: 'max' },
  ),
  { minLength: 4, maxLength: 10 },
);

describe('the issuer over HTTP against a model of the wire protocol (issue 11 §5)', () => {
  let server: RunningIssuer;
  let stranger: WalletKey;
  const stats = { runs: 0, exchanges: 0 };
  beforeAll(async () => {
    const membership = DEMO_CREDENTIALS.demo_membership!;
    server = await startIssuer({
      credentialConfigurations: {
        ...DEMO_CREDENTIALS,
        second_card: { ...membership, scope: 'second', vct: 'urn:example:second:1' },
      },
      policy: { afterWalletError: 'new_request', maxPresentationAttempts: MAX_ATTEMPTS, holderContinuity: false },
      // The clock stands still during a run: no rate limit should refill or speak.
      rateLimits: { sessionsPerMinutePerAddress: 100_000, sessionsPerMinutePerKey: 100_000, adminFailuresPerMinute: 5 },
    });
    stranger = await generateWalletKey();
  });
  afterAll(async () => {
    await server.stop();
    const covered = [...coverage].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${n}\t${k}`);
    console.info(`wallet model: ${stats.runs} runs, ${stats.exchanges} HTTP exchanges\n${covered.join('\n')}`);
  });

  /** New wallets, each with a fresh PID and DPoP key, each having opened one session (FiPA §5.1). */
  async function setup(scheduler?: fc.Scheduler): Promise<{ model: Model; real: Real }> {
    const wallets = await Promise.all(Array.from({ length: WALLETS }, () => server.wallet()));
    const model = newModel();
    const real: Real = { server, wallets, stranger, inflight: [] };
    await Promise.all(wallets.map((_, i) => new Start(i).run(model, real)));
    if (scheduler) real.scheduler = scheduler;
    return { model, real };
  }
  const count = (model: Model) => {
    stats.runs += 1;
    stats.exchanges += model.exchanges;
  };

  it('FiPA §5, P-20 fixation, P-40, P-41, RFC 6749 §4.1.2, RFC 9449 §5/§7.1, OpenID4VCI §13.8, I-40: every wallet step is answered as the model predicts', async () => {
    await fc.assert(
      fc.asyncProperty(sequential, async (commands) => {
        const { model, real } = await setup();
        await fc.asyncModelRun(() => ({ model, real }), commands);
        count(model);
      }),
      { numRuns: 25 },
    );
  });

  it('P-20, P-40, PDI-DE, RFC 6749 §4.1.2, OpenID4VCI §13.8 under interleaving: of racing identical steps exactly one wins', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), concurrent, async (s, rounds) => {
        const { model, real } = await setup(s);
        for (const commands of rounds) {
          await fc.scheduledModelRun(s, () => ({ model, real }), commands);
          // Steps still in flight may schedule their next requests: release them until every step settled.
          const failure = (await s.waitFor(Promise.all(real.inflight))).find((f) => f !== undefined);
          if (failure) throw failure;
          real.inflight = [];
        }
        count(model);
      }),
      { numRuns: 20 },
    );
  });

  /**
   * Found by the first property (seeds 1166144712 and others), fixed in the engine's credentialPrecheck: after every
   * configuration was issued, the code presented again is invalid_grant and revokes the grant (RFC 6749 §4.1.2); the
   * revoked token asking for a configuration again was answered 400 credential_request_denied, because the "already
   * issued" check ran before the token was found revoked. Minimal sequence: Advance(w0) ×6 (fetch, present, code,
   * token, both credentials), ForeignCode(w0) (own code again → invalid_grant), Credential(w0) → 401 invalid_token.
   */
  it('RFC 6749 §4.1.2 / RFC 6750 §3.1: a revoked token of a completed grant is invalid_token, not credential_request_denied', async () => {
    const { model, real } = await setup();
    const steps = [...Array.from({ length: 6 }, () => new Advance(0)), new ForeignCode(0, 0), new Credential(0, false)];
    await fc.asyncModelRun(() => ({ model, real }), steps);
    expect(model.wallets[0]!.sessions[0]!.phase).toBe('revoked');
  });

  it('the model checks something: a run makes HTTP exchanges', () => {
    expect(stats.exchanges).toBeGreaterThan(stats.runs);
  });
});
