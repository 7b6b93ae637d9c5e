/**
 * The abstract wallet steps of the model-based fuzzing (issue 17 §1): what a wallet does, named by
 * session and role rather than by value, so one sequence runs against two issuers whose codes,
 * nonces and handles differ ("replay session 1's last code", not "send code abc").
 */

/** A session of the sequence: its own wallet (holder key, DPoP key, PID). */
export type SessionIndex = number;

/** How a presentation deviates from what the request asks (OpenID4VP §8, SD-JWT VC KB-JWT, P-41). */
export type PresentationVariant = 'valid' | 'wrong-aud' | 'wrong-nonce' | 'tampered-disclosure' | 'wallet-error';

/** Which of the session's auth_session values a follow-up sends: the most recent, or the first (an old one in S1/S2/S3). */
export type AuthSessionChoice = 'latest' | 'first';

/** A token request with the session's DPoP key and PKCE verifier, another DPoP key (RFC 9449 §5), or a wrong verifier (RFC 7636 §4.6). */
export type TokenVariant = 'valid' | 'other-dpop-key' | 'wrong-verifier';

/** A credential request with a fresh c_nonce, the last one again (OpenID4VCI §7.2), or another DPoP key. */
export type CredentialVariant = 'valid' | 'replayed-nonce' | 'other-dpop-key';

export type WalletStep =
  /** Open (or reopen) a session: the first challenge call, and in L the request object behind `presentation`. */
  | { kind: 'start'; session: SessionIndex }
  /** Present the PID to the latest request: in L to its response_uri, in S1/S2/S3 in a follow-up with `authSessionFrom`'s `authSession`. */
  | {
      kind: 'present';
      session: SessionIndex;
      variant: PresentationVariant;
      authSession: AuthSessionChoice;
      authSessionFrom: SessionIndex;
    }
  /** L only: the follow-up challenge with `authSessionFrom`'s `authSession` and the pdis `pdisFrom` received last. */
  | {
      kind: 'follow-up';
      session: SessionIndex;
      pdisFrom: SessionIndex;
      authSession: AuthSessionChoice;
      authSessionFrom: SessionIndex;
    }
  /** The token request with the last code `codeFrom` received (a second one replays it). */
  | { kind: 'token'; session: SessionIndex; codeFrom: SessionIndex; variant: TokenVariant }
  /** The credential request with `tokenFrom`'s access token: a fresh c_nonce, the last one again, or another DPoP key. */
  | { kind: 'credential'; session: SessionIndex; tokenFrom: SessionIndex; variant: CredentialVariant };

/** One line a reader of a counterexample understands (no comma: fast-check lists commands with commas). */
export function describeStep(step: WalletStep): string {
  const s = `session ${step.session}`;
  const from = (other: SessionIndex) => (other === step.session ? '' : ` of session ${other}`);
  switch (step.kind) {
    case 'start':
      return `${s}: start`;
    case 'present':
      return `${s}: present ${step.variant} with the ${step.authSession} auth_session${from(step.authSessionFrom)}`;
    case 'follow-up':
      return `${s}: follow-up with the pdis${from(step.pdisFrom)} and the ${step.authSession} auth_session${from(step.authSessionFrom)}`;
    case 'token':
      return `${s}: token request with the last code${from(step.codeFrom)} (${step.variant})`;
    case 'credential':
      return `${s}: credential request with the access token${from(step.tokenFrom)} (${step.variant})`;
  }
}
