import type { Answer } from '../wallet/index.js';

/** A check's verdict other than passing: the target did what it must not (`failed`), or the check cannot apply (`skipped`). */
export class CheckVerdict extends Error {
  constructor(
    readonly outcome: 'failed' | 'skipped',
    message: string,
  ) {
    super(message);
  }
}

/** The check cannot apply to this target, for `reason`. */
export function skip(reason: string): never {
  throw new CheckVerdict('skipped', reason);
}

/** The target did what it must not. */
export function fail(message: string): never {
  throw new CheckVerdict('failed', message);
}

/** An answer as one short line, for a failure's detail (the body cut, so a credential never fills the report). */
export function answerLine(answer: Answer): string {
  return `HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
}

/** The answer must be a refusal: a 4xx with an OAuth error body whose `error` is one of `errors`. */
export function expectRefusal(answer: Answer, errors: string | readonly string[], what: string): void {
  const allowed = typeof errors === 'string' ? [errors] : errors;
  if (answer.status >= 400 && answer.status < 500 && allowed.includes(String(answer.body.error))) return;
  fail(`${what}: expected a 4xx ${allowed.join(' or ')}, got ${answerLine(answer)}`);
}

/** The answer must have `status` (a step of the flow the check builds on). */
export function expectStatus(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) fail(`${what}: expected HTTP ${status}, got ${answerLine(answer)}`);
}
