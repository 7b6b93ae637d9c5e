import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataTrustedIssuers, metadataUrlOf } from '../../adapters/trust/jwt-vc-issuer-metadata.js';

const KEY = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' };

describe('E-30, SD-JWT VC §5: PID issuer keys from /.well-known/jwt-vc-issuer', () => {
  let server: Server;
  let origin: string;
  const hits: string[] = [];
  const documents = new Map<string, { status?: number; body?: unknown; location?: string }>();
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url!);
      const document = documents.get(request.url!) ?? { status: 404 };
      const headers = { 'Content-Type': 'application/json', ...(document.location && { Location: document.location }) };
      response.writeHead(document.status ?? 200, headers).end(JSON.stringify(document.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const source = (issuers: string[], now = () => 0) => new MetadataTrustedIssuers({ issuers, maxAgeMs: 60_000, now });

  it('SD-JWT VC §5.1: the well-known name goes between the host and the path of the issuer', () => {
    expect(metadataUrlOf('https://pid.example/tenant/a')).toBe(
      'https://pid.example/.well-known/jwt-vc-issuer/tenant/a',
    );
    expect(metadataUrlOf('https://pid.example')).toBe('https://pid.example/.well-known/jwt-vc-issuer');
  });

  it('E-30: keys by value (jwks) and by reference (jwks_uri) are the listed issuer’s; an unlisted issuer fetches nothing', async () => {
    documents.set('/.well-known/jwt-vc-issuer/by-value', {
      body: { issuer: `${origin}/by-value`, jwks: { keys: [KEY] } },
    });
    documents.set('/.well-known/jwt-vc-issuer/by-ref', {
      body: { issuer: `${origin}/by-ref`, jwks_uri: `${origin}/jwks` },
    });
    documents.set('/jwks', { body: { keys: [KEY] } });
    const trust = source([`${origin}/by-value`, `${origin}/by-ref`]);
    expect(await trust.keysFor(`${origin}/by-value`)).toEqual([KEY]);
    expect(await trust.keysFor(`${origin}/by-ref`)).toEqual([KEY]);
    hits.length = 0;
    expect(await trust.keysFor(`${origin}/unlisted`)).toEqual([]);
    expect(hits).toEqual([]);
  });

  it('SD-JWT VC §5.2: metadata naming another issuer, or both jwks and jwks_uri, trusts nobody', async () => {
    documents.set('/.well-known/jwt-vc-issuer/other', {
      body: { issuer: 'https://evil.example', jwks: { keys: [KEY] } },
    });
    documents.set('/.well-known/jwt-vc-issuer/both', {
      body: { issuer: `${origin}/both`, jwks: { keys: [KEY] }, jwks_uri: `${origin}/jwks` },
    });
    const trust = source([`${origin}/other`, `${origin}/both`]);
    expect(await trust.keysFor(`${origin}/other`)).toEqual([]);
    expect(await trust.keysFor(`${origin}/both`)).toEqual([]);
  });

  it('issue 10 §4: a redirect is not followed; the answer is kept for maxAge with one fetch in flight', async () => {
    documents.set('/.well-known/jwt-vc-issuer/moved', { status: 302, location: '/jwks' });
    documents.set('/.well-known/jwt-vc-issuer/kept', { body: { issuer: `${origin}/kept`, jwks: { keys: [KEY] } } });
    let now = 0;
    const trust = source([`${origin}/moved`, `${origin}/kept`], () => now);
    hits.length = 0;
    expect(await trust.keysFor(`${origin}/moved`)).toEqual([]);
    expect(hits).toEqual(['/.well-known/jwt-vc-issuer/moved']);
    hits.length = 0;
    await Promise.all([1, 2, 3].map(() => trust.keysFor(`${origin}/kept`)));
    await trust.keysFor(`${origin}/kept`);
    expect(hits).toHaveLength(1);
    now = 60_000;
    await trust.keysFor(`${origin}/kept`);
    expect(hits).toHaveLength(2);
  });

  it('issue 10 §4: an issuer that is not https (or loopback http) is a configuration error', () => {
    expect(() => source(['http://pid.example'])).toThrow('trustedIssuers.metadata must be https');
  });
});
