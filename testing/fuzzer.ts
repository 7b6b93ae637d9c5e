import fc from 'fast-check';
import { dpopProof, generateWalletKey, type WalletKey } from '../wallet/keys.js';
import type { ReferenceWallet } from '../wallet/reference-wallet.js';
import type { FuzzCorpus } from './fuzz-corpus.js';
import { arbInteractiveRequest } from './fuzz-interactive.js';

/** One generated request: what the fuzzer sends to an endpoint, and which DPoP proof goes with it. */
export interface FuzzRequest {
  /** Which corpus wallet's DPoP key signs a `valid` proof (it may or may not own the handle sent). */
  wallet: number;
  method: string;
  path: string;
  contentType?: string;
  body?: string;
  dpop: 'valid' | 'other-key' | 'garbage' | 'none';
  authorization?: string;
}

/** The admin token the fuzzed issuer is started with, so offers for generated configuration ids reach the offer code. */
export const FUZZ_ADMIN_TOKEN = 'fuzz-admin-token-00000001';

/** Credential configuration ids: the real one, an unknown one, and names every plain object inherits. */
const configurationId = fc.constantFrom(
  'demo_membership',
  'x',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
);

const garbage = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.json({ maxDepth: 3 }),
  fc.constant(''),
  fc.string({ maxLength: 5000 }),
);

/** Valid-looking requests to every endpoint with real handles, mutated, or random. */
export function arbFuzzRequest(corpus: FuzzCorpus): fc.Arbitrary<FuzzRequest> {
  const pick = (values: string[]) => (values.length ? fc.constantFrom(...values) : fc.constant('none'));
  const handle = fc.oneof(
    pick(corpus.authSessions),
    pick(corpus.pdis),
    pick(corpus.codes),
    pick(corpus.tokens),
    garbage,
  );
  const form = (fields: Record<string, fc.Arbitrary<string>>) =>
    fc
      .record(
        Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k, fc.option(v, { nil: undefined, freq: 5 })]),
        ) as Record<string, fc.Arbitrary<string | undefined>>,
      )
      .map((params) =>
        new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString(),
      );
  const dpop = fc.constantFrom<FuzzRequest['dpop']>('valid', 'valid', 'other-key', 'garbage', 'none');
  const contentType = fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded',
    'application/json',
    'text/plain',
  );
  return fc
    .tuple(
      fc.nat(),
      fc.oneof(
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/authorize-challenge'),
          contentType,
          dpop,
          body: form({
            client_id: fc.constantFrom('reference-wallet', 'other'),
            scope: fc.constantFrom('membership', 'x'),
            auth_session: pick(corpus.authSessions).chain((v) => fc.oneof(fc.constant(v), handle)),
            presentation_during_issuance_session: handle,
            response_type: fc.constantFrom('code', 'token'),
            code_challenge: garbage,
            issuer_state: garbage,
          }),
        }),
        // A clean first call naming a configuration by scope or authorization_details, so generated ids open (or fail to open) sessions.
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/authorize-challenge'),
          contentType: fc.constant('application/x-www-form-urlencoded'),
          dpop: fc.constant<'valid'>('valid'),
          body: fc.tuple(fc.boolean(), configurationId).map(([byScope, id]) =>
            new URLSearchParams({
              client_id: 'reference-wallet',
              ...(byScope
                ? { scope: id === 'demo_membership' ? 'membership' : id }
                : {
                    authorization_details: JSON.stringify([
                      { type: 'openid_credential', credential_configuration_id: id },
                    ]),
                  }),
            }).toString(),
          ),
        }),
        arbInteractiveRequest({
          authSession: fc.oneof(pick(corpus.authSessions), handle),
          garbage,
          dpop,
          contentType,
          form,
        }),
        fc.record({
          method: fc.constantFrom('GET', 'POST'),
          path: pick(corpus.requestIds).map((id) => `/verifier/request/${id}`),
          dpop: fc.constant<'none'>('none'),
        }),
        fc.record({
          method: fc.constant('POST'),
          path: pick(corpus.requestIds).map((id) => `/verifier/response/${id}`),
          contentType,
          dpop: fc.constant<'none'>('none'),
          body: form({
            vp_token: fc.oneof(garbage, fc.constant('{"pid":["a~b~"]}')),
            state: garbage,
            error: fc.constant('access_denied'),
            response: garbage,
          }),
        }),
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/token'),
          contentType,
          dpop,
          body: form({
            grant_type: fc.constantFrom('authorization_code', 'refresh_token'),
            code: fc.oneof(pick(corpus.codes), handle),
            code_verifier: garbage,
            client_id: fc.constant('reference-wallet'),
          }),
        }),
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/credential'),
          contentType: fc.constant('application/json'),
          dpop,
          authorization: fc.oneof(pick(corpus.tokens), handle).map((t) => `DPoP ${t}`),
          body: fc.oneof(
            garbage,
            fc
              .record({
                credential_configuration_id: configurationId,
                proofs: fc.record({ jwt: fc.array(fc.string(), { maxLength: 2 }) }),
              })
              .map((b) => JSON.stringify(b)),
          ),
        }),
        fc.record({
          method: fc.constant('POST'),
          path: fc.constant('/admin/offers'),
          contentType: fc.constant('application/json'),
          dpop: fc.constant<'none'>('none'),
          authorization: fc.constant(`Bearer ${FUZZ_ADMIN_TOKEN}`),
          body: fc
            .array(configurationId, { minLength: 1, maxLength: 3 })
            .map((ids) => JSON.stringify({ credential_configuration_ids: ids })),
        }),
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'DELETE'),
          path: fc.oneof(
            fc.constantFrom(
              '/nonce',
              '/.well-known/openid-credential-issuer',
              '/offers/x',
              '/offers/constructor',
              '/admin/offers',
            ),
            fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}`),
          ),
          contentType,
          body: garbage,
          dpop,
        }),
      ),
    )
    .map(([wallet, request]): FuzzRequest => ({ ...request, wallet }));
}

export interface FuzzFailure {
  request: FuzzRequest;
  status: number;
  body: string;
}

/** A 5xx, or an error without error JSON: a rule of the house broken. */
function brokenRule(
  request: FuzzRequest,
  status: number,
  body: string,
  challenge: string | null = null,
): FuzzFailure | undefined {
  if (status >= 500) return { request, status, body };
  if (status < 400) return undefined;
  // RFC 6750 §3.1: a request with no credentials at all is answered by the bare DPoP challenge, with no error JSON.
  if (status === 401 && !request.authorization && body === '' && /^DPoP algs="/.test(challenge ?? '')) return undefined;
  try {
    if (typeof (JSON.parse(body) as { error?: unknown }).error !== 'string') return { request, status, body };
  } catch {
    return { request, status, body };
  }
  return undefined;
}

/**
 * Send one generated request; answer a failure when the server broke a rule of the house. A
 * session it opened is followed to its request object, as a wallet would: what opened must be servable.
 */
async function sendFuzzRequest(
  baseUrl: string,
  request: FuzzRequest,
  keys: { wallets: WalletKey[]; other: WalletKey },
): Promise<FuzzFailure | undefined> {
  const url = `${baseUrl}${request.path}`;
  const headers: Record<string, string> = {};
  if (request.contentType) headers['Content-Type'] = request.contentType;
  if (request.authorization) headers.Authorization = request.authorization;
  const accessToken = request.authorization?.startsWith('DPoP ')
    ? request.authorization.slice('DPoP '.length)
    : undefined;
  if (request.dpop === 'valid' || request.dpop === 'other-key')
    headers.DPoP = await dpopProof(
      request.dpop === 'valid' ? keys.wallets[request.wallet % keys.wallets.length]! : keys.other,
      { method: request.method, url: url.split('?')[0]!, now: Date.now(), ...(accessToken && { accessToken }) },
    );
  if (request.dpop === 'garbage') headers.DPoP = 'eyJhbGciOiJub25lIn0.e30.';
  const response = await fetch(url, {
    method: request.method,
    headers,
    ...(request.method !== 'GET' && request.body !== undefined && { body: request.body }),
  });
  const body = await response.text();
  const failure = brokenRule(request, response.status, body, response.headers.get('www-authenticate'));
  if (failure || request.path !== '/authorize-challenge' || response.status !== 400) return failure;
  const presentation = (JSON.parse(body) as { presentation?: unknown }).presentation;
  const requestUri = typeof presentation === 'string' ? new URL(presentation).searchParams.get('request_uri') : null;
  if (!requestUri) return undefined;
  const requestObject = await fetch(requestUri);
  return brokenRule(request, requestObject.status, await requestObject.text());
}

/**
 * Send `count` generated requests (valid, mutated and random) with `concurrency` in flight;
 * the seed replays the same sequence. Answers every request that broke a rule of the house.
 */
export async function runFuzz(options: {
  baseUrl: string;
  corpus: FuzzCorpus;
  wallets: ReferenceWallet[];
  count: number;
  seed: number;
  concurrency?: number;
}) {
  const keys = { wallets: options.wallets.map((wallet) => wallet.dpopKey), other: await generateWalletKey() };
  const arb = arbFuzzRequest(options.corpus);
  const failures: FuzzFailure[] = [];
  const chunk = 1000;
  for (let start = 0; start < options.count; start += chunk) {
    const requests = fc.sample(arb, { numRuns: Math.min(chunk, options.count - start), seed: options.seed + start });
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 16 }, async () => {
        while (next < requests.length) {
          const failure = await sendFuzzRequest(options.baseUrl, requests[next++]!, keys);
          if (failure) failures.push(failure);
        }
      }),
    );
  }
  return { sent: options.count, failures };
}
