/**
 * What the conformance kit reports (issue 17): one result per named check, each tied to the
 * requirement it tests (a seed id such as P-41, or a spec section), for the terminal table and
 * the JSON report alike.
 */
export type CheckOutcome = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  /** A stable name, for example `fixation.pdis-other-session`. */
  id: string;
  /** The requirement the check tests: a seed id (P-41) or a spec section (RFC 9449 §4.3). */
  requirement: string;
  /** One line a reader understands without the source. */
  title: string;
  /** The dialect the check ran on (`l`, `s1`, `s2`, `s3`), or `any`. */
  dialect: string;
  outcome: CheckOutcome;
  /** Why it failed or was skipped; for a fuzzing failure, the seed, the path and the shrunk sequence. */
  detail?: string;
  /** How long the check took. */
  ms: number;
}

/** Told as checks finish, for progress on long runs. */
export type ProgressListener = (result: CheckResult) => void;
