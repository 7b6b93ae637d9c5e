import { compactVerify, decodeProtectedHeader } from 'jose';
import {
  StatusListClient,
  StatusListUnavailable,
  statusReferenceOf,
} from '../../adapters/status/status-list-client.js';
import type { TrustedIssuers } from '../../adapters/trust/trusted-issuers.js';
import type { PidStatusSettings } from '../../config/trust-settings.js';
import { InvalidRequest } from '../../engine/index.js';
import { SD_JWT_ALGORITHMS } from '../capabilities.js';
import type { PublicKeyImports } from '../jose/key-cache.js';

const STATUS_RULE = 'E-50; V-20; draft-ietf-oauth-status-list §8.3';
/** §7.1: the statuses a PID is refused for; any other value but VALID is refused as well (fail closed). */
const REFUSED: Record<number, string> = { 1: 'revoked (its status list entry is INVALID)', 2: 'suspended' };
/** Status list clients kept, one per PID issuer (a list verified with one issuer's keys is that issuer's only). */
const MAX_ISSUERS = 64;

export interface PidStatusOptions {
  settings: PidStatusSettings;
  trust: TrustedIssuers;
  keyImports: PublicKeyImports;
  now: () => number;
  fetch?: typeof fetch;
}

/**
 * E-50, V-20: the status of a presented PID (IETF Token Status List). Its list is verified with the
 * same trust as the PID's issuer (its JWKS keys or an `x5c` chain to an anchor, bound to that issuer),
 * cached per issuer by the list's own `ttl`/`exp`/Cache-Control; INVALID and SUSPENDED are refused;
 * without an entry, or with a list that cannot be read, the policy decides (default: refuse).
 */
export class PidStatusCheck {
  private readonly clients = new Map<string, StatusListClient>();

  constructor(private readonly options: PidStatusOptions) {}

  private clientFor(issuer: string): StatusListClient {
    let client = this.clients.get(issuer);
    if (client) return client;
    const { settings, now } = this.options;
    client = new StatusListClient({
      now,
      verify: (jwt) => this.verifyList(issuer, jwt),
      timeoutMs: settings.timeoutMs,
      maxBytes: settings.maxBytes,
      maxCacheSeconds: settings.maxCacheSeconds,
      ...(this.options.fetch && { fetch: this.options.fetch }),
    });
    if (this.clients.size >= MAX_ISSUERS) this.clients.delete(this.clients.keys().next().value!);
    this.clients.set(issuer, client);
    return client;
  }

  /** The list token's signature by a key the PID's issuer is trusted with (§8.3 step 2); the client checks its claims. */
  private async verifyList(issuer: string, jwt: string) {
    const header = decodeProtectedHeader(jwt);
    const keys = await this.options.trust.keysFor(issuer, { header, now: this.options.now() });
    for (const jwk of keys) {
      if (typeof header.alg !== 'string' || !SD_JWT_ALGORITHMS.includes(header.alg)) break;
      try {
        const key = await this.options.keyImports.import(jwk, header.alg);
        const { payload } = await compactVerify(jwt, key, { algorithms: [...SD_JWT_ALGORITHMS] });
        return { header: header as Record<string, unknown>, payload: JSON.parse(new TextDecoder().decode(payload)) };
      } catch {
        // The next key of the issuer may be the one.
      }
    }
    throw new Error('the status list is not signed by a key of the credential’s issuer');
  }

  /** Refuses the PID of `issuer` whose verified claims are `payload` unless its status allows it. */
  async check(issuer: string, payload: Record<string, unknown>): Promise<void> {
    const { withoutStatus, unavailable } = this.options.settings;
    let reference: ReturnType<typeof statusReferenceOf>;
    try {
      reference = statusReferenceOf(payload);
    } catch (error) {
      throw new InvalidRequest(`the credential’s status is malformed: ${(error as Error).message}`, STATUS_RULE);
    }
    if (!reference) {
      if (withoutStatus === 'accept') return;
      throw new InvalidRequest(
        'the credential has no status list entry, so its revocation cannot be seen',
        STATUS_RULE,
      );
    }
    let status: number;
    try {
      status = await this.clientFor(issuer).statusOf(reference);
    } catch (error) {
      if (!(error instanceof StatusListUnavailable)) throw error;
      if (unavailable === 'accept') return;
      throw new InvalidRequest(`the credential’s status list cannot be used (${error.reason})`, STATUS_RULE);
    }
    if (status !== 0)
      throw new InvalidRequest(`the credential is ${REFUSED[status] ?? `of status ${status}`}`, STATUS_RULE);
  }
}
