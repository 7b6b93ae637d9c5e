import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CompactEncrypt, decodeJwt, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import { parseAuthorizationResponse } from '../../protocol/openid4vp/authorization-response.js';
import { buildRequestObject, pidDcqlQuery, type ResponseMode } from '../../protocol/openid4vp/request-object.js';
import { InvalidRequest } from '../../engine/errors.js';

const NOW = 1_800_000_000_000;
const PRESENTATION =
  'eyJhbGciOiJFUzI1NiJ9.eyJ2Y3QiOiJ1cm46ZXVkaTpwaWQ6MSJ9.c2ln~WyJzYWx0IiwiZ2l2ZW5fbmFtZSIsIkVyaWthIl0~eyJhbGciOiJFUzI1NiJ9.eyJub25jZSI6Im4ifQ.c2ln';

let dir: string;
let keyRing: KeyRing;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pdi-authorization-response-'));
  keyRing = await KeyRing.open(dir, { now: NOW, subjectDns: 'issuer.example' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The encryption key a wallet finds in the request object of `requestId` (OpenID4VP §8.3). */
async function walletEncryptionKey(requestId: string): Promise<JWK> {
  const { requestObject } = await buildRequestObject({
    keys: keyRing,
    clientIdPrefix: 'x509_san_dns',
    dns: 'issuer.example',
    responseUri: `https://issuer.example/verifier/response/${requestId}`,
    nonce: 'n',
    state: 's',
    responseMode: 'direct_post.jwt',
    dcqlQuery: pidDcqlQuery(['urn:eudi:pid:1'], ['given_name']),
    now: NOW,
    lifetimeSeconds: 60,
    requestId,
  });
  const metadata = decodeJwt(requestObject).client_metadata as { jwks: { keys: JWK[] } };
  return metadata.jwks.keys[0]!;
}

/** A wallet answering with direct_post.jwt: the response parameters as a JWE to the request's key. */
async function encryptedResponse(
  requestId: string,
  payload: unknown,
  enc: 'A128GCM' | 'A256GCM' = 'A128GCM',
): Promise<string> {
  const key = await walletEncryptionKey(requestId);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc, kid: key.kid! })
    .encrypt(await importJWK(key, 'ECDH-ES'));
}

const parse = (form: Record<string, string> | string[][], responseMode?: ResponseMode) =>
  parseAuthorizationResponse(new URLSearchParams(form), {
    keys: keyRing,
    requestId: 'request-1',
    expectedQueryIds: ['pid'],
    ...(responseMode && { responseMode }),
  });
const refused = (form: Record<string, string> | string[][], responseMode?: ResponseMode) =>
  expect(parse(form, responseMode)).rejects.toThrow(InvalidRequest);

describe('direct_post (OpenID4VP §8.2)', () => {
  it('parses vp_token and state', async () => {
    expect(await parse({ vp_token: JSON.stringify({ pid: [PRESENTATION] }), state: 'state-1' })).toEqual({
      kind: 'presentation',
      state: 'state-1',
      presentations: { pid: [PRESENTATION] },
    });
  });

  it('parses a wallet error with its description and state', async () => {
    expect(await parse({ error: 'access_denied', error_description: 'the user declined', state: 'state-1' })).toEqual({
      kind: 'error',
      state: 'state-1',
      error: 'access_denied',
      errorDescription: 'the user declined',
    });
    expect(await parse({ error: 'access_denied' })).toEqual({
      kind: 'error',
      state: undefined,
      error: 'access_denied',
    });
  });

  it('OpenID4VP §8.1: a vp_token answering a query that was not asked is refused, "__proto__" included', async () => {
    await refused({ vp_token: JSON.stringify({ other: [PRESENTATION] }), state: 's' });
    await refused({ vp_token: JSON.stringify({ pid: [PRESENTATION], other: [PRESENTATION] }), state: 's' });
    await refused({ vp_token: `{"__proto__":["${PRESENTATION}"]}`, state: 's' });
  });

  it('repeated parameters are refused', async () => {
    await refused([
      ['vp_token', JSON.stringify({ pid: [PRESENTATION] })],
      ['vp_token', JSON.stringify({ pid: ['x'] })],
      ['state', 's'],
    ]);
    await refused([
      ['vp_token', JSON.stringify({ pid: [PRESENTATION] })],
      ['state', 'a'],
      ['state', 'b'],
    ]);
    await refused([
      ['error', 'access_denied'],
      ['error', 'invalid_request'],
    ]);
  });

  it.each([
    ['a non-JSON vp_token', { vp_token: 'not json', state: 's' }],
    ['a vp_token that is JSON null', { vp_token: 'null', state: 's' }],
    ['a vp_token that is a JSON array', { vp_token: JSON.stringify([PRESENTATION]), state: 's' }],
    ['an empty vp_token', { vp_token: '{}', state: 's' }],
    ['an empty presentation list', { vp_token: JSON.stringify({ pid: [] }), state: 's' }],
    [
      'a presentation that is not a string',
      { vp_token: JSON.stringify({ pid: [{ sd_jwt: PRESENTATION }] }), state: 's' },
    ],
    ['an empty presentation', { vp_token: JSON.stringify({ pid: [''] }), state: 's' }],
    ['an empty state', { vp_token: JSON.stringify({ pid: [PRESENTATION] }), state: '' }],
    ['neither vp_token nor error', { state: 's' }],
    [
      'both vp_token and error',
      { vp_token: JSON.stringify({ pid: [PRESENTATION] }), error: 'access_denied', state: 's' },
    ],
    ['an error code outside RFC 6749 characters', { error: 'access_denied\n', state: 's' }],
    ['an oversized vp_token', { vp_token: JSON.stringify({ pid: ['a'.repeat(300_000)] }), state: 's' }],
    ['too many parameters', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`p${i}`, 'v']))],
  ])('%s is refused', async (_, form) => {
    await refused(form);
  });

  it('the refusal is invalid_request citing OpenID4VP §8.2', async () => {
    const error = await parse({ vp_token: 'not json' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequest);
    expect(error).toMatchObject({
      code: 'invalid_request',
      status: 400,
      rule: 'OpenID4VP §8.2',
      description: 'vp_token is not JSON',
    });
  });
});

describe('direct_post.jwt (OpenID4VP §8.3, HAIP §5.1)', () => {
  it.each(['A128GCM', 'A256GCM'] as const)(
    'a response encrypted with %s to the key from the request object decrypts and parses',
    async (enc) => {
      const response = await encryptedResponse(
        'request-1',
        { vp_token: { pid: [PRESENTATION] }, state: 'state-1' },
        enc,
      );
      expect(await parse({ response }, 'direct_post.jwt')).toEqual({
        kind: 'presentation',
        state: 'state-1',
        presentations: { pid: [PRESENTATION] },
      });
    },
  );

  it('accepts the pre-1.0 vp_token encoded as a JSON string inside the JWE', async () => {
    const response = await encryptedResponse('request-1', {
      vp_token: JSON.stringify({ pid: [PRESENTATION] }),
      state: 'state-1',
    });
    expect(await parse({ response })).toMatchObject({ kind: 'presentation', presentations: { pid: [PRESENTATION] } });
  });

  it('parses an encrypted wallet error', async () => {
    const response = await encryptedResponse('request-1', { error: 'access_denied', state: 'state-1' });
    expect(await parse({ response }, 'direct_post.jwt')).toEqual({
      kind: 'error',
      state: 'state-1',
      error: 'access_denied',
    });
  });

  it('RFC 7516 §4.1.3, issue 10 §5: a compressed (zip DEF) response is refused before anything is inflated', async () => {
    const key = await walletEncryptionKey('request-1');
    const zipped = await new CompactEncrypt(
      new TextEncoder().encode(JSON.stringify({ vp_token: { pid: [PRESENTATION] }, state: 'state-1' })),
    )
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', zip: 'DEF' })
      .encrypt(await importJWK(key, 'ECDH-ES'));
    await expect(parse({ response: zipped }, 'direct_post.jwt')).rejects.toThrow(/compressed/);
  });

  it("HAIP §5: a response encrypted to another request's key is refused", async () => {
    await refused({
      response: await encryptedResponse('request-2', { vp_token: { pid: [PRESENTATION] }, state: 'state-1' }),
    });
  });

  it('a tampered ciphertext, a key wrap other than ECDH-ES, and a non-JSON plaintext are refused', async () => {
    const valid = await encryptedResponse('request-1', { vp_token: { pid: [PRESENTATION] }, state: 's' });
    const [header, key, iv, ciphertext, tag] = valid.split('.');
    const flipped = `${ciphertext!.startsWith('A') ? 'B' : 'A'}${ciphertext!.slice(1)}`;
    await refused({ response: [header, key, iv, flipped, tag].join('.') });
    const publicJwk = await walletEncryptionKey('request-1');
    const wrapped = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A128GCM' })
      .encrypt(await importJWK({ ...publicJwk, alg: 'ECDH-ES+A128KW' }));
    await refused({ response: wrapped });
    const text = await new CompactEncrypt(new TextEncoder().encode('vp_token=x'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM' })
      .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
    await refused({ response: text });
  });

  it('OpenID4VP §8.3: the encrypted response must be the only response parameter', async () => {
    const response = await encryptedResponse('request-1', { vp_token: { pid: [PRESENTATION] }, state: 's' });
    await refused({ response, state: 's' });
    await refused({ response, vp_token: JSON.stringify({ pid: [PRESENTATION] }) });
    await refused([
      ['response', response],
      ['response', response],
    ]);
  });

  it('HAIP §5.1: a request for an encrypted response refuses a plain vp_token but takes a plain error', async () => {
    await refused({ vp_token: JSON.stringify({ pid: [PRESENTATION] }), state: 's' }, 'direct_post.jwt');
    expect(await parse({ error: 'invalid_request', state: 's' }, 'direct_post.jwt')).toMatchObject({
      kind: 'error',
      error: 'invalid_request',
    });
  });

  it('a request for direct_post refuses an encrypted response', async () => {
    await refused(
      { response: await encryptedResponse('request-1', { vp_token: { pid: [PRESENTATION] }, state: 's' }) },
      'direct_post',
    );
  });
});

describe('OpenID4VP §8.2: whatever is posted, the only failure is InvalidRequest', () => {
  const names = fc.constantFrom('vp_token', 'state', 'response', 'error', 'error_description', 'other', '__proto__');
  const presentationLike = fc.array(fc.oneof(fc.string(), fc.constant(PRESENTATION), fc.jsonValue()), { maxLength: 3 });
  const vpTokenLike = fc.oneof(
    fc.dictionary(fc.constantFrom('pid', 'other', '__proto__', ''), presentationLike),
    fc.jsonValue(),
  );
  const payloadLike = fc.record(
    {
      vp_token: fc.oneof(
        vpTokenLike,
        vpTokenLike.map((token) => JSON.stringify(token)),
      ),
      state: fc.jsonValue(),
      error: fc.jsonValue(),
      error_description: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const segments = fc
    .array(
      fc.base64String({ maxLength: 40 }).map((s) => s.replace(/=/g, '')),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => parts.join('.'));
  const jwe = fc.tuple(
    fc.constantFrom('request-1', 'request-2'),
    fc.oneof(payloadLike, fc.jsonValue()),
    fc.constantFrom('A128GCM', 'A256GCM') as fc.Arbitrary<'A128GCM' | 'A256GCM'>,
  );
  const value = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.json(),
    fc.constantFrom('null', 'true', '0', '""', '[]', '{}', '{"pid":null}', '{"pid":[null]}'),
    vpTokenLike.map((token) => JSON.stringify(token)),
    segments,
    jwe.map(
      ([requestId, payload, enc]) =>
        async () =>
          encryptedResponse(requestId, payload, enc),
    ),
  );
  const noise = fc.array(fc.tuple(names, value), { maxLength: 6 });
  const wellFormed = fc.constantFrom<[string, string | (() => Promise<string>)][]>(
    [
      ['vp_token', JSON.stringify({ pid: [PRESENTATION] })],
      ['state', 's'],
    ],
    [
      ['error', 'access_denied'],
      ['state', 's'],
    ],
    [['response', async () => encryptedResponse('request-1', { vp_token: { pid: [PRESENTATION] }, state: 's' })]],
  );
  const forms = fc.oneof(
    noise,
    fc.tuple(wellFormed, noise).map(([base, extra]) => [...base, ...extra]),
  );
  const modes = fc.constantFrom(undefined, 'direct_post', 'direct_post.jwt') as fc.Arbitrary<ResponseMode | undefined>;

  it('random forms, JSON and JWEs parse into a well-formed response or are refused with InvalidRequest', async () => {
    await fc.assert(
      fc.asyncProperty(forms, modes, async (entries, mode) => {
        const form = await Promise.all(
          entries.map(async ([name, v]) => [name, typeof v === 'function' ? await v() : v]),
        );
        await parse(form, mode).then(
          (parsed) => {
            if (parsed.kind === 'error') expect(typeof parsed.error).toBe('string');
            else
              expect(
                Object.entries(parsed.presentations).every(
                  ([id, list]) =>
                    id === 'pid' && list.length > 0 && list.every((p) => typeof p === 'string' && p.length > 0),
                ),
              ).toBe(true);
          },
          (error: unknown) => expect(error).toBeInstanceOf(InvalidRequest),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
