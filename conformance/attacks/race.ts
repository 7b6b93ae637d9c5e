import { ALL, type AttackCheck } from '../attack.js';
import type { DialectFlow, Opened } from '../dialect-flow.js';
import { expectStatus, fail } from '../failure.js';
import type { Answer } from '../../wallet/index.js';

/** Identical requests sent at once (RFC 6749 §4.1.2, PDI-DE): a single-use step succeeds at most once. */
const PARALLEL = 4;

function atMostOnce(answers: Answer[], what: string): void {
  const accepted = answers.filter((answer) => answer.status === 200).length;
  const crashed = answers.filter((answer) => answer.status >= 500);
  if (crashed.length > 0) fail(`${what}: HTTP ${crashed[0]!.status} under concurrency`);
  if (accepted !== 1)
    fail(`${what}: ${accepted} of ${answers.length} concurrent requests succeeded, expected exactly 1`);
}

/** The step that earns the code, sent `PARALLEL` times at once. */
async function racedCodeStep(flow: DialectFlow, opened: Opened): Promise<Answer[]> {
  if (opened.steps) return Promise.all(Array.from({ length: PARALLEL }, () => flow.present(opened)));
  const presented = await flow.present(opened);
  expectStatus(presented, 200, 'the presentation');
  const pdis = String(presented.body.presentation_during_issuance_session);
  return Promise.all(Array.from({ length: PARALLEL }, () => flow.secondChallenge(opened, pdis)));
}

export const race: AttackCheck[] = [
  {
    id: 'race.code-step',
    requirement: 'PDI-DE (single use)',
    title: 'the follow-up that earns the code, sent four times at once, succeeds once',
    dialects: ALL,
    run: async ({ flow }) => atMostOnce(await racedCodeStep(flow, await flow.open()), 'the code step'),
  },
  {
    id: 'race.token',
    requirement: 'RFC 6749 §4.1.2',
    title: 'the token request, sent four times at once with one code, succeeds once',
    dialects: ALL,
    run: async ({ flow }) => {
      const coded = await flow.untilCode();
      const answers = await Promise.all(Array.from({ length: PARALLEL }, () => flow.redeem(coded, coded.code)));
      atMostOnce(answers, 'the token request');
    },
  },
];
