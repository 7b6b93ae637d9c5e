import { afterAll, beforeAll, expect, it } from 'vitest';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

// Embedding: the Fetch-API handler (`issuer.fetch`) serves the same protocol as the Node server, with no server around it.
let server: RunningIssuer;
beforeAll(async () => {
  server = await startIssuer();
});
afterAll(() => server.stop());

it('a whole flow runs through the Fetch-API handler alone', async () => {
  const wallet = await server.wallet();
  const embedded = await ReferenceWallet.create({
    ...wallet.options,
    fetch: (input, init) => server.issuer.fetch(new Request(input, init)),
  });
  const credential = await embedded.runFlow({ scope: 'membership', configurationId: 'demo_membership' });
  expect(credential.split('~').length).toBeGreaterThan(1);
});

it('seed size limit: the Fetch-API handler refuses an oversized body with 413 and the error JSON', async () => {
  const body = 'a='.padEnd(server.internals.config.bodyLimitBytes + 10, 'x');
  const response = await server.issuer.fetch(
    new Request(`${server.url}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
    }),
  );
  expect(response.status).toBe(413);
  expect(await response.json()).toMatchObject({ error: 'invalid_request' });
});

it('the Fetch-API handler routes on the public URL whatever host the request named', async () => {
  const response = await server.issuer.fetch(
    new Request('http://internal-host:9999/.well-known/openid-credential-issuer'),
  );
  expect(response.status).toBe(200);
  expect((await response.json()).credential_issuer).toBe(server.url);
});
