import { createServer } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dpopProof, generateWalletKey } from '../../wallet/keys.js';
import { nodeListener } from '../../transports/http/node-listener.js';
import { closeGracefully } from '../../transports/http/close-gracefully.js';
import { expectServedUnderMount, mountIssuer, type MountedIssuer } from '../transports/mount-harness.js';

// Issue 12 §2: plain node:http with the listener, for an issuer whose identifier has a path.
let mounted: MountedIssuer;
beforeAll(async () => {
  mounted = await mountIssuer(async (issuer, port) => {
    const server = createServer(nodeListener(issuer));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return () => closeGracefully(server, 1000);
  });
});
afterAll(() => mounted.stop());

it('a whole flow and both well-known forms through http.createServer(nodeListener(issuer)) under /oid4vci', async () => {
  await expectServedUnderMount(mounted);
});

it('RFC 9449 §4.3: a DPoP proof for a path outside the mount is refused (the htu is the public URL)', async () => {
  const challenge = async (url: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        DPoP: await dpopProof(await generateWalletKey(), { method: 'POST', url, now: Date.now() }),
      },
      body: 'client_id=w&scope=membership',
    }).then(async (response) => [response.status, (await response.json()).error]);
  expect(await challenge(`${mounted.origin}/authorize-challenge`)).toEqual([400, 'invalid_dpop_proof']);
  expect(await challenge(`${mounted.publicUrl}/authorize-challenge`)).toEqual([400, 'insufficient_authorization']);
});

it('RFC 9110 §9.3.2, §8.6: over Node, HEAD carries the GET body length and no body; a 204 preflight no Content-Length', async () => {
  const url = `${mounted.origin}/.well-known/jwt-vc-issuer/oid4vci`;
  const get = await fetch(url);
  const head = await fetch(url, { method: 'HEAD' });
  expect([head.status, await head.text()]).toEqual([200, '']);
  expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
  const options = await fetch(`${mounted.publicUrl}/credential`, { method: 'OPTIONS' });
  expect([options.status, options.headers.get('content-length')]).toEqual([204, null]);
});

it('issue 12 §4: the health and readiness probes answer at the site root and under the mount path of a prefixed issuer', async () => {
  for (const url of [`${mounted.origin}/healthz`, `${mounted.publicUrl}/healthz`])
    expect([url, (await fetch(url)).status]).toEqual([url, 200]);
  for (const url of [`${mounted.origin}/readyz`, `${mounted.publicUrl}/readyz`])
    expect([url, await (await fetch(url)).json()]).toEqual([url, { status: 'ready' }]);
});
