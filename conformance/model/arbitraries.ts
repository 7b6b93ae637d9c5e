import fc from 'fast-check';
import type { Dialect } from '../target.js';
import type {
  AuthSessionChoice,
  CredentialVariant,
  PresentationVariant,
  SessionIndex,
  TokenVariant,
  WalletStep,
} from './steps.js';

/** A session's whole flow, every step valid: what an issuer must accept (the seed's steps 4–15, or protocol-ia.md §2–§4). */
export function happyPath(dialect: Dialect, session: SessionIndex = 0): WalletStep[] {
  return [
    { kind: 'start', session },
    { kind: 'present', session, variant: 'valid', authSession: 'latest', authSessionFrom: session },
    ...(dialect === 'l'
      ? [{ kind: 'follow-up', session, pdisFrom: session, authSession: 'latest', authSessionFrom: session } as const]
      : []),
    { kind: 'token', session, codeFrom: session, variant: 'valid' },
    { kind: 'credential', session, tokenFrom: session, variant: 'valid' },
  ];
}

/** One valid step after the start of any session below `sessions`: a step of its happy path (starting anew would undo its progress). */
export function arbHappyStep(dialect: Dialect, sessions = 2): fc.Arbitrary<WalletStep> {
  return fc.tuple(fc.nat({ max: sessions - 1 }), fc.nat()).map(([session, pick]) => {
    const steps = happyPath(dialect, session).slice(1);
    return steps[pick % steps.length]!;
  });
}

/** Mostly `valid`, sometimes one of the others. */
function mostly<T>(valid: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, { weight: 2, arbitrary: fc.constantFrom(...others) });
}

/**
 * One wallet step of any session below `sessions`, valid or not: a presentation with a wrong KB-JWT
 * audience or nonce, a tampered disclosure or a wallet error; an old auth_session; another session's
 * auth_session, pdis, code or access token; another DPoP key; a wrong PKCE verifier; a c_nonce used again. Repeating
 * a step replays its value (the last code, the last c_nonce), and any order can come out.
 */
export function arbWalletStep(dialect: Dialect, sessions = 2): fc.Arbitrary<WalletStep> {
  const session = fc.nat({ max: sessions - 1 });
  // A session, and whose values it sends: mostly its own, sometimes another session's (two values, each chosen apart).
  const otherSometimes = fc.tuple(session, fc.integer({ min: 0, max: 3 }));
  const withValueFrom = fc.tuple(session, otherSometimes, otherSometimes).map(([own, [a, pickA], [b, pickB]]) => ({
    session: own,
    from: pickA === 0 ? a : own,
    also: pickB === 0 ? b : own,
  }));
  const authSession = mostly<AuthSessionChoice>('latest', 'first');
  const steps: fc.Arbitrary<WalletStep>[] = [
    session.map((s): WalletStep => ({ kind: 'start', session: s })),
    fc
      .tuple(
        withValueFrom,
        mostly<PresentationVariant>('valid', 'wrong-aud', 'wrong-nonce', 'tampered-disclosure', 'wallet-error'),
        authSession,
      )
      .map(
        ([v, variant, choice]): WalletStep => ({
          kind: 'present',
          session: v.session,
          variant,
          authSession: choice,
          authSessionFrom: v.from,
        }),
      ),
    fc
      .tuple(withValueFrom, mostly<TokenVariant>('valid', 'other-dpop-key', 'wrong-verifier'))
      .map(([v, variant]): WalletStep => ({ kind: 'token', session: v.session, codeFrom: v.from, variant })),
    fc
      .tuple(withValueFrom, mostly<CredentialVariant>('valid', 'replayed-nonce', 'other-dpop-key'))
      .map(([v, variant]): WalletStep => ({ kind: 'credential', session: v.session, tokenFrom: v.from, variant })),
  ];
  if (dialect === 'l')
    steps.push(
      fc.tuple(withValueFrom, authSession).map(
        ([v, choice]): WalletStep => ({
          kind: 'follow-up',
          session: v.session,
          pdisFrom: v.from,
          authSession: choice,
          authSessionFrom: v.also,
        }),
      ),
    );
  return fc.oneof(...steps);
}

/**
 * A sequence over `sessions` sessions: each session's happy path, each step sometimes dropped and
 * sometimes preceded by an arbitrary step (`arbWalletStep`), the sessions interleaved at random.
 * Deep states (a token, a credential) come out often, which a uniform choice of steps rarely reaches.
 */
export function arbWalletFlow(dialect: Dialect, options: { sessions?: number } = {}): fc.Arbitrary<WalletStep[]> {
  const sessions = options.sessions ?? 2;
  const perStep = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.option(arbWalletStep(dialect, sessions), { freq: 3 }));
  const perSession = (s: SessionIndex) =>
    fc.tuple(...happyPath(dialect, s).map(() => perStep)).map((plan) =>
      happyPath(dialect, s).flatMap((step, i) => {
        const [drop, noise] = plan[i]!;
        return [...(noise ? [noise] : []), ...(drop > 0 || i === 0 ? [step] : [])];
      }),
    );
  const lists = fc.tuple(...Array.from({ length: sessions }, (_, s) => perSession(s)));
  return fc.tuple(lists, fc.array(fc.nat({ max: sessions - 1 }), { maxLength: 40 })).map(([perSessions, order]) => {
    const queues = perSessions.map((steps) => [...steps]);
    const merged: WalletStep[] = [];
    for (const pick of order) {
      const next = queues[pick]!.shift();
      if (next) merged.push(next);
    }
    return [...merged, ...queues.flat()];
  });
}
