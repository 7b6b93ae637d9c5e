import fc from 'fast-check';
import type { Command } from '../engine/index.js';
import { Flow, SECOND, T0, VERIFIER, h } from './flow.js';

/** Times of the seven happy-path steps, each 0–20 s after the previous one (inside every default lifetime). */
export const arbStepTimes = fc
  .array(fc.integer({ min: 0, max: 20 * SECOND }), { minLength: 7, maxLength: 7 })
  .map((gaps) => {
    const times: number[] = [];
    for (const gap of gaps) times.push((times.at(-1) ?? T0) + gap);
    return times;
  });

/** The happy path of `flow` in its dialect with the given step times (S1/S2/S3 have no request fetch and no pdis hop). */
export function happyPathAt(flow: Flow, times: number[]): Command[] {
  const t = (i: number) => times[i] ?? T0;
  if (flow.dialect !== 'L')
    return [
      flow.start(t(0)),
      flow.continue(t(1), { presentation: flow.carried() }),
      flow.redeem(t(2)),
      flow.nonce(t(3)),
      flow.credential(t(4)),
    ];
  return [
    flow.start(t(0)),
    flow.retrieve(t(1)),
    flow.present(t(2)),
    flow.continue(t(3), { pdis: flow.value('pdis') }),
    flow.redeem(t(4)),
    flow.nonce(t(5)),
    flow.credential(t(6)),
  ];
}

/** A command maker: the same step at whatever time the sequence gives it. */
export type CommandAt = (at: number) => Command;

/**
 * One arbitrary command on `flow`'s session: any step of the flow, mostly for the
 * current round, sometimes with a foreign value, a wrong nonce or audience, another key.
 */
export function arbCommand(flow: Flow): fc.Arbitrary<CommandAt> {
  const round = fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
  );
  const foreign = fc.constantFrom(h('foreign-1'), h('foreign-2'));
  const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4 });
  return fc.oneof(
    round.map(
      (r): CommandAt =>
        (t) =>
          flow.retrieve(t, r),
    ),
    fc.tuple(round, sometimes(foreign), sometimes(fc.constant('https://attacker.example'))).map(
      ([r, nonce, aud]): CommandAt =>
        (t) =>
          flow.present(t, r, { ...(nonce && { nonce }), ...(aud && { aud }) }),
    ),
    round.map(
      (r): CommandAt =>
        (t) =>
          flow.walletError(t, r),
    ),
    fc
      .tuple(
        round,
        fc.option(
          fc.oneof(
            round.map((r) => flow.value('pdis', r)),
            foreign,
          ),
          { freq: 3 },
        ),
      )
      .map(
        ([r, pdis]): CommandAt =>
          (t) =>
            flow.continue(t, { round: r, ...(pdis && { pdis }) }),
      ),
    fc.tuple(sometimes(foreign), sometimes(foreign)).map(
      ([code, dpop]): CommandAt =>
        (t) =>
          flow.redeem(t, { ...(code && { code }), ...(dpop && { dpop }) }),
    ),
    fc.integer({ min: 1, max: 3 }).map(
      (n): CommandAt =>
        (t) =>
          flow.nonce(t, n),
    ),
    fc.tuple(fc.integer({ min: 1, max: 3 }), sometimes(foreign)).map(
      ([n, holder]): CommandAt =>
        (t) =>
          flow.credential(t, n, { ...(holder && { holder }) }),
    ),
    fc.constant((t: number) => flow.expire(t)),
    fc.constant((t: number) => flow.erase(t)),
  );
}

/** Gaps between commands: mostly seconds, sometimes minutes, sometimes backwards. */
const arbGap = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 30 * SECOND }) },
  { weight: 1, arbitrary: fc.integer({ min: 60 * SECOND, max: 15 * 60 * SECOND }) },
  { weight: 1, arbitrary: fc.integer({ min: -60 * SECOND, max: -1 }) },
);

/** The steps after the start of a session that succeeds in round `round` (round 2 after one wallet error). */
function spine(flow: Flow, round: 1 | 2): CommandAt[] {
  const retry: CommandAt[] = [
    (t) => flow.retrieve(t, 1),
    (t) => flow.walletError(t, 1),
    (t) => flow.continue(t, { round: 1 }),
  ];
  const success: CommandAt[] = [
    (t) => flow.retrieve(t, round),
    (t) => flow.present(t, round),
    (t) => flow.continue(t, { round, pdis: flow.value('pdis', round) }),
    (t) => flow.redeem(t),
    (t) => flow.nonce(t),
    (t) => flow.credential(t),
  ];
  return round === 1 ? success : [...retry, ...success];
}

/**
 * A started session followed by a flow's steps, each sometimes dropped, and arbitrary
 * commands (wrong values, replays, other keys, expiry) between them, at arbitrary times.
 */
export function arbSession(sessionId: string, flowKeys?: ConstructorParameters<typeof Flow>[1]) {
  const flow = new Flow(sessionId, flowKeys);
  const noise = fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(arbGap, arbCommand(flow)), { maxLength: 2 }) },
  );
  return fc
    .constantFrom<1 | 2>(1, 2)
    .chain((round) => {
      const steps = spine(flow, round);
      return fc.tuple(
        ...steps.map((step) => fc.tuple(noise, arbGap, fc.integer({ min: 0, max: 9 }), fc.constant(step))),
      );
    })
    .map((plan) => {
      let at = T0;
      const commands: Command[] = [flow.start(T0)];
      for (const [extra, gap, drop, step] of plan) {
        for (const [g, make] of extra) {
          at += g;
          commands.push(make(at));
        }
        if (drop > 0) {
          at += gap;
          commands.push(step(at));
        }
      }
      return commands;
    });
}

export { Flow, SECOND, T0, VERIFIER };
