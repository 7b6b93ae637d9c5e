/**
 * One error class per protocol error code. Each carries the HTTP status the
 * transports answer with, a public `error_description`, and the requirement it
 * enforces (seed 002 ids such as P-41, or a spec section), so a refusal can be
 * traced to the rule that produced it. Transports map these mechanically.
 */
export abstract class EngineError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  constructor(
    readonly description: string,
    readonly rule: string,
  ) {
    super(description);
  }
  override get name(): string {
    return this.constructor.name;
  }
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export class InvalidRequest extends EngineError {
  readonly code = 'invalid_request';
  readonly status = 400;
}
export class InvalidScope extends EngineError {
  readonly code = 'invalid_scope';
  readonly status = 400;
}
export class InvalidSession extends EngineError {
  readonly code = 'invalid_session';
  readonly status = 400;
}
export class InvalidClient extends EngineError {
  readonly code = 'invalid_client';
  readonly status = 401;
}
export class InvalidGrant extends EngineError {
  readonly code = 'invalid_grant';
  readonly status = 400;
}
export class InvalidDpopProof extends EngineError {
  readonly code = 'invalid_dpop_proof';
  readonly status = 400;
}
export class InvalidToken extends EngineError {
  readonly code = 'invalid_token';
  readonly status = 401;
}
export class InvalidNonce extends EngineError {
  readonly code = 'invalid_nonce';
  readonly status = 400;
}
export class InvalidProof extends EngineError {
  readonly code = 'invalid_proof';
  readonly status = 400;
}
export class InvalidCredentialRequest extends EngineError {
  readonly code = 'invalid_credential_request';
  readonly status = 400;
}
export class UnknownCredentialConfiguration extends EngineError {
  readonly code = 'unknown_credential_configuration';
  readonly status = 400;
}
export class UnknownCredentialIdentifier extends EngineError {
  readonly code = 'unknown_credential_identifier';
  readonly status = 400;
}
/** OpenID4VCI 1.0 §8.3.1.2: the request's encryption parameters are invalid, or missing where encryption is required. */
export class InvalidEncryptionParameters extends EngineError {
  readonly code = 'invalid_encryption_parameters';
  readonly status = 400;
}
export class UnsupportedGrantType extends EngineError {
  readonly code = 'unsupported_grant_type';
  readonly status = 400;
}
export class CredentialRequestDenied extends EngineError {
  readonly code = 'credential_request_denied';
  readonly status = 400;
}
export class AccessDenied extends EngineError {
  readonly code = 'access_denied';
  readonly status = 400;
}
export class RedirectToWeb extends EngineError {
  readonly code = 'redirect_to_web';
  readonly status = 400;
}
/** OpenID4VCI 1.1 (protocol-ia.md §3.1, §3.2): the interaction types the wallet offered cannot complete the flow. */
export class MissingInteractionType extends EngineError {
  readonly code = 'missing_interaction_type';
  readonly status = 400;
}
/** A concurrent writer won every retry: the caller may try again. */
export class TemporarilyUnavailable extends EngineError {
  readonly code = 'temporarily_unavailable';
  readonly status = 503;
}

/** The first refusal of `checks`, run in order (each check only once the ones before it passed), or undefined. */
export function firstError(...checks: Array<() => EngineError | undefined>): EngineError | undefined {
  for (const check of checks) {
    const error = check();
    if (error) return error;
  }
  return undefined;
}
