import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { siteRootWellKnownPaths } from '../../protocol/issuer-path.js';
import { fastifyPlugin } from '../../transports/http/fastify-plugin.js';
import { expectServedUnderMount, mountIssuer, type MountedIssuer } from '../transports/mount-harness.js';

// Issue 12 §2–3: Fastify 5 with its default parsers, the issuer under the prefix /oid4vci, as docs/recipes/fastify.mjs registers it.
let mounted: MountedIssuer;
beforeAll(async () => {
  mounted = await mountIssuer(async (issuer, port, mountPath) => {
    const app = Fastify();
    await app.register(fastifyPlugin(issuer), { prefix: mountPath });
    await app.register(fastifyPlugin(issuer, { paths: siteRootWellKnownPaths(issuer.http.publicUrl) }));
    app.post('/app/echo', async (request) => request.body);
    await app.listen({ port, host: '127.0.0.1' });
    return () => app.close();
  });
});
afterAll(() => mounted.stop());

it('a whole flow and both well-known forms through app.register(fastifyPlugin(issuer), { prefix: /oid4vci })', async () => {
  await expectServedUnderMount(mounted);
});

it("the plugin's parsers stay in its own context: the app's JSON route still has Fastify's parser", async () => {
  const response = await fetch(`${mounted.origin}/app/echo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"a":1}',
  });
  expect(await response.json()).toEqual({ a: 1 });
});

it('seed size limit and the error JSON: an oversized or an unknown-type body under the prefix is the issuer’s refusal, not Fastify’s', async () => {
  const post = (type: string, body: string) =>
    fetch(`${mounted.publicUrl}/authorize-challenge`, { method: 'POST', headers: { 'Content-Type': type }, body });
  const huge = await post('application/x-www-form-urlencoded', `scope=${'x'.repeat(70 * 1024)}`);
  expect([huge.status, (await huge.json()).error]).toEqual([413, 'invalid_request']);
  const text = await post('text/plain', 'scope=membership');
  expect([text.status, (await text.json()).error]).toEqual([400, 'invalid_request']);
  const untyped = await fetch(`${mounted.publicUrl}/token`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
  expect([untyped.status, (await untyped.json()).error]).toEqual([400, 'invalid_request']);
  const unknown = await fetch(`${mounted.publicUrl}/nope`);
  expect([unknown.status, (await unknown.json()).error]).toEqual([404, 'invalid_request']);
});
