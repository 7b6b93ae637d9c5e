import type fc from 'fast-check';
import { expect } from 'vitest';
import type { RunningIssuer } from '../../testing/issuer-server.js';
import type { WalletKey } from '../../wallet/keys.js';
import type { Answer, ReferenceWallet } from '../../wallet/reference-wallet.js';
import type { WalletRequest } from '../../wallet/request-object.js';

/**
 * The protocol as the wallets see it over HTTP, stated independently of the engine: one
 * record per session a wallet opened, holding every value the issuer handed out so that
 * a command can replay it, relay it to another wallet, or use it with another key.
 * Sources: shared/docs/protocol.md (the wire flow and the single-use table), the seed
 * (000/002: P-20, P-40, P-41, I-40, PDI-DE), FiPA §5, RFC 6749 §4.1.2, RFC 9449 §5 and
 * §7.1, OpenID4VCI §7–§8 and §13.8.
 */
export type Phase =
  | 'pending' // insufficient_authorization answered, request object not fetched
  | 'retrieved' // request object fetched, nothing posted to the response_uri yet
  | 'verified' // presentation accepted, pdis handed out
  | 'errored' // the wallet posted an error to the response_uri
  | 'coded' // authorization code handed out (the auth_session is finished)
  | 'token' // access token handed out, not every configuration issued
  | 'done' // every granted configuration issued
  | 'revoked' // the code was presented twice (RFC 6749 §4.1.2)
  | 'denied'; // the retry policy ran out (PDI-DE)

/** The scope every session asks for, and the configurations it grants (OpenID4VCI §5.1.2). */
export const SCOPE = 'membership second';
export const CONFIGURATIONS = ['demo_membership', 'second_card'] as const;
/** policy.maxPresentationAttempts, set in the issuer this model runs against (default policy new_request). */
export const MAX_ATTEMPTS = 2;
/** lifetimes.token, default (RFC 6749 §5.1 expires_in). */
export const TOKEN_SECONDS = 300;

export interface PresentationRequest {
  presentation: string;
  request?: WalletRequest;
  /** Something (a presentation or a wallet error) was accepted at its response_uri. */
  answered: boolean;
}

export interface Session {
  owner: number;
  phase: Phase;
  authSession: string;
  /** auth_session values rotated away by a new presentation request (FiPA §5.3.1). */
  rotated: string[];
  /** Every presentation request of this session; the last one is current. */
  requests: PresentationRequest[];
  attempts: number;
  pdis?: string;
  code?: string;
  token?: string;
  issued: string[];
}

export interface WalletState {
  sessions: Session[];
  current?: Session;
  /** c_nonces fetched and not yet sent. */
  nonces: string[];
}

export interface Model {
  wallets: WalletState[];
  /** c_nonces a credential was issued with: spent for everyone (OpenID4VCI §13.8). */
  spentNonces: string[];
  /** How many HTTP exchanges the run made, for the summary. */
  exchanges: number;
  /** Scheduled property: wallets with a step in flight (a step touching every wallet holds them all). */
  busy: Set<number>;
}

export interface Real {
  server: RunningIssuer;
  wallets: ReferenceWallet[];
  /** A key no session was opened with (RFC 9449: proof of another key). */
  stranger: WalletKey;
  /** In the scheduled property: lets fast-check choose the order in which concurrent requests start. */
  scheduler?: fc.Scheduler;
  /** Scheduled property: the steps still in flight, each settling with its failure (or undefined). */
  inflight: Promise<unknown>[];
}

export const WALLETS = 2;
export const MAX_SESSIONS_PER_WALLET = 3;

export function newModel(): Model {
  return {
    wallets: Array.from({ length: WALLETS }, () => ({ sessions: [], nonces: [] })),
    spentNonces: [],
    exchanges: 0,
    busy: new Set(),
  };
}

/** The auth_session is live: the challenge endpoint still continues it (FiPA §5.3.1, seed: finished once coded). */
export const live = (s: Session | undefined): boolean =>
  s !== undefined && ['pending', 'retrieved', 'verified', 'errored'].includes(s.phase);

export const allSessions = (m: Model): Session[] => m.wallets.flatMap((w) => w.sessions);

/** auth_session values the issuer must no longer accept: rotated, or of a session past the challenge. */
export const deadAuthSessions = (s: Session): string[] => [...s.rotated, ...(live(s) ? [] : [s.authSession])];

export const currentRequest = (s: Session): PresentationRequest => s.requests.at(-1)!;

/** One answer the model allows, and what it means for the model when it is the one that came. */
export interface Allowed {
  status: number;
  error?: string;
  update?: () => void;
}

/**
 * Asserts the answer is one the model allows (status and OAuth `error`), with the HTTP mapping
 * every error carries: no-store always; on a 401 the RFC 9449 §7.1 challenge naming the error.
 * Applies the matching allowance's model update and returns it.
 */
/** How often each prediction was checked (step and answer), so a run shows what it covered. */
export const coverage = new Map<string, number>();

export function expectAnswer(answer: Answer, allowed: Allowed[], step: string, headers = true): Allowed {
  const got = { status: answer.status, error: answer.body.error };
  const match = allowed.find((a) => a.status === answer.status && a.error === answer.body.error);
  expect(match, `${step}: got ${JSON.stringify(answer.body)} (HTTP ${answer.status})`).toBeDefined();
  expect(got).toEqual({ status: match!.status, error: match!.error });
  if (headers) expect(answer.headers.get('cache-control'), `${step}: Cache-Control`).toBe('no-store');
  if (answer.status === 401 && match!.error !== 'invalid_client')
    expect(answer.headers.get('www-authenticate'), `${step}: WWW-Authenticate`).toMatch(
      new RegExp(`^DPoP (.*, )?error="${match!.error}"`),
    );
  const key = `${step.replace(/ \(.*\)$/, '')} → ${answer.status}${match!.error ? ` ${match!.error}` : ''}`;
  coverage.set(key, (coverage.get(key) ?? 0) + 1);
  match!.update?.();
  return match!;
}

export const refused = (status: number, error: string, update?: () => void): Allowed => ({
  status,
  error,
  ...(update && { update }),
});

/** The request_uri of a `presentation` URI (OpenID4VP §5.10). */
export const requestUriOf = (presentation: string): string =>
  new URL(presentation).searchParams.get('request_uri') ?? '';

/** The wallet's request-object fetch, as an answer: `fetchRequestObject` throws on anything but 200. */
export async function fetchRequestAnswer(
  wallet: ReferenceWallet,
  presentation: string,
): Promise<{ answer: Answer; request?: WalletRequest }> {
  try {
    const request = await wallet.requestObject(presentation);
    return { answer: { status: 200, body: {}, headers: new Headers() }, request };
  } catch (error) {
    const match = /^request_uri answered (\d+): (.*)$/s.exec((error as Error).message);
    if (!match) throw error;
    // The wallet keeps status and body of a refusal, not its headers: check them with `headers = false`.
    return {
      answer: {
        status: Number(match[1]),
        body: JSON.parse(match[2]!) as Record<string, unknown>,
        headers: new Headers(),
      },
    };
  }
}
