import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { siteRootWellKnownPaths } from '../../protocol/issuer-path.js';
import { closeGracefully } from '../../transports/http/close-gracefully.js';
import { nodeListener } from '../../transports/http/node-listener.js';
import { expectServedUnderMount, mountIssuer, type MountedIssuer } from '../transports/mount-harness.js';

// Issue 12 §2–3: Express 5 with its body parsers first, the issuer under /oid4vci, as docs/recipes/express.mjs mounts it.
const ADMIN_TOKEN = 'express-admin-token-0000000001';
let mounted: MountedIssuer;
beforeAll(async () => {
  mounted = await mountIssuer(
    async (issuer, port, mountPath) => {
      const app = express();
      app.use(express.json());
      app.use(express.urlencoded());
      const listener = nodeListener(issuer);
      app.use(mountPath, listener);
      for (const path of siteRootWellKnownPaths(issuer.http.publicUrl)) app.all(path, listener);
      const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
        const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
      });
      return () => closeGracefully(server, 1000);
    },
    { adminToken: ADMIN_TOKEN },
  );
});
afterAll(() => mounted.stop());

const form = (path: string, body: string) =>
  fetch(`${mounted.publicUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });

it('a whole flow and both well-known forms through app.use(/oid4vci, nodeListener(issuer)) after express.json() and express.urlencoded()', async () => {
  await expectServedUnderMount(mounted);
});

it('RFC 6749 §3.1: a form parameter repeated, parsed by express.urlencoded() into an array, is still refused', async () => {
  const response = await form('/authorize-challenge', 'client_id=w&scope=membership&scope=other');
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    error: 'invalid_request',
    error_description: 'parameter scope is repeated',
  });
});

it('seed size limit: a body express.urlencoded() already parsed is refused with 413 beyond bodyLimitBytes', async () => {
  const response = await form('/authorize-challenge', `client_id=w&scope=${'x'.repeat(70 * 1024)}`);
  expect(response.status).toBe(413);
  expect((await response.json()).error).toBe('invalid_request');
});

it('a JSON body express.json() already parsed reaches the endpoint as JSON: an offer created, its URI under the mount', async () => {
  const response = await fetch(`${mounted.publicUrl}/admin/offers`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ credential_configuration_ids: ['demo_membership'] }),
  });
  expect(response.status).toBe(201);
  const { credential_offer_uri } = (await response.json()) as { credential_offer_uri: string };
  expect(credential_offer_uri.startsWith(`${mounted.publicUrl}/offers/`)).toBe(true);
  expect((await fetch(credential_offer_uri)).status).toBe(200);
});
