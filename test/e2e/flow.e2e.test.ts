import { digest } from '@sd-jwt/crypto-nodejs';
import { decodeSdJwt } from '@sd-jwt/decode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('the seed flow over real HTTP on the SQLite store', () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await startIssuer();
  });
  afterAll(() => server.stop());

  it('publishes issuer, authorization server and SD-JWT VC issuer metadata', async () => {
    const wallet = await server.wallet();
    const { issuer, authorizationServer } = await wallet.metadata();
    expect(issuer.body).toMatchObject({
      credential_issuer: server.url,
      credential_endpoint: `${server.url}/credential`,
      nonce_endpoint: `${server.url}/nonce`,
    });
    expect(authorizationServer.body).toMatchObject({
      issuer: server.url,
      token_endpoint: `${server.url}/token`,
      authorization_challenge_endpoint: `${server.url}/authorize-challenge`,
    });
    expect(authorizationServer.body).not.toHaveProperty('code_challenge_methods_supported');
    const keys = await fetch(`${server.url}/.well-known/jwt-vc-issuer`).then((r) => r.json());
    expect(keys.issuer).toBe(server.url);
    expect(keys.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('runs the whole flow: challenge → presentation → pdis → code → token → c_nonce → SD-JWT VC bound to the holder key', async () => {
    const wallet = await server.wallet();
    const steps: string[] = [];
    const credential = await wallet.runFlow({
      scope: 'membership',
      configurationId: 'demo_membership',
      onStep: (step) => steps.push(step),
    });
    expect(steps).toHaveLength(7);
    const decoded = await decodeSdJwt(credential, digest);
    expect(decoded.jwt.header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256' });
    expect(decoded.jwt.payload).toMatchObject({
      iss: server.url,
      vct: 'urn:example:membership:1',
      cnf: { jwk: wallet.options.holderKey.publicJwk },
    });
    expect(Object.fromEntries(decoded.disclosures.map((d) => [d.key, d.value]))).toEqual({
      given_name: 'Erika',
      family_name: 'Mustermann',
      birthdate: '1984-01-26',
    });
  });
});
