import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

const PATHS = [
  '/authorize-challenge',
  '/token',
  '/nonce',
  '/credential',
  '/verifier/request/x',
  '/verifier/response/x',
  '/offers/x',
  '/admin/offers',
  '/.well-known/openid-credential-issuer',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwt-vc-issuer',
];
const FIELDS = [
  'client_id',
  'scope',
  'auth_session',
  'presentation_during_issuance_session',
  'grant_type',
  'code',
  'code_verifier',
  'vp_token',
  'state',
  'response',
  'error',
  'authorization_details',
  'issuer_state',
  'code_challenge',
  'response_type',
];

const arbBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.string({ maxLength: 80 })).map((d) => new URLSearchParams(d).toString()),
  fc.json({ maxDepth: 4 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const arbRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  path: fc.oneof(
    fc.constantFrom(...PATHS),
    fc.constantFrom(...PATHS).chain((p) => fc.string({ maxLength: 20 }).map((s) => `${p}${encodeURIComponent(s)}`)),
  ),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
  body: arbBody,
  dpop: fc.option(fc.oneof(fc.string({ maxLength: 100 }), fc.constant('eyJhbGciOiJub25lIn0.e30.')), { nil: undefined }),
  authorization: fc.option(
    fc.string({ maxLength: 60 }).map((s) => `DPoP ${s}`),
    { nil: undefined },
  ),
});

/** Rule 3 of the house: malformed input of any kind gets a clear 4xx with the spec's error JSON, never a 5xx. */
describe('garbage at every endpoint', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('answers every generated request with a status below 500 and an error body on refusal', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType) headers['Content-Type'] = r.contentType;
        if (r.dpop !== undefined) headers.DPoP = r.dpop;
        if (r.authorization !== undefined) headers.Authorization = r.authorization;
        const hasBody = r.method !== 'GET';
        const response = await fetch(`${server.url}${r.path}`, {
          method: r.method,
          headers,
          ...(hasBody && { body: r.body }),
        });
        expect(response.status, `${r.method} ${r.path}`).toBeLessThan(500);
        const text = await response.text();
        // RFC 6750 §3.1: the one refusal without error JSON is the bare DPoP challenge to a request that sent no Authorization at all.
        const bareChallenge =
          response.status === 401 &&
          r.authorization === undefined &&
          /^DPoP algs="[^"]+"$/.test(response.headers.get('www-authenticate') ?? '');
        if (bareChallenge) expect(text).toBe('');
        else if (response.status >= 400) expect(typeof JSON.parse(text).error).toBe('string');
      }),
      { numRuns: 400 },
    );
  });
});
