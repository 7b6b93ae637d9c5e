import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Issuer } from '../../issuer/index.js';
import { siteRootWellKnownPaths } from '../../protocol/issuer-path.js';
import { closeGracefully } from '../../transports/http/close-gracefully.js';
import { expectServedUnderMount, mountIssuer, type MountedIssuer } from '../transports/mount-harness.js';

/** Served by @hono/node-server on 127.0.0.1, the site-root well-known paths routed to the issuer, as both Hono recipes do. */
async function serveHono(app: Hono, issuer: Issuer, port: number): Promise<() => Promise<void>> {
  for (const path of siteRootWellKnownPaths(issuer.http.publicUrl)) app.all(path, (c) => issuer.fetch(c.req.raw));
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(listening as Server));
  });
  return () => closeGracefully(server, 1000);
}

// Issue 12 §2–3: Hono's app.mount strips the mount path; docs/recipes/hono-mount.mjs.
describe("Hono's app.mount('/oid4vci', issuer.fetch)", () => {
  let mounted: MountedIssuer;
  beforeAll(async () => {
    mounted = await mountIssuer((issuer, port, mountPath) => {
      const app = new Hono();
      app.mount(mountPath, issuer.fetch);
      return serveHono(app, issuer, port);
    });
  });
  afterAll(() => mounted.stop());

  it('a whole flow and both well-known forms, the stripped path restored for routing and DPoP htu', async () => {
    await expectServedUnderMount(mounted);
  });

  it('RFC 9110 §9.3.2 and §9.3.7: HEAD and OPTIONS pass through the mount', async () => {
    const url = `${mounted.publicUrl}/.well-known/openid-credential-issuer`;
    const get = await fetch(url);
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    expect(head.headers.get('content-length')).toBe(String((await get.arrayBuffer()).byteLength));
    const options = await fetch(`${mounted.publicUrl}/token`, { method: 'OPTIONS' });
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'POST, OPTIONS']);
  });
});

// A sub-path route keeps the full path; docs/recipes/hono-subpath.mjs.
describe("Hono's app.all('/oid4vci/*', (c) => issuer.fetch(c.req.raw))", () => {
  let mounted: MountedIssuer;
  beforeAll(async () => {
    mounted = await mountIssuer((issuer, port, mountPath) => {
      const app = new Hono();
      app.all(`${mountPath}/*`, (c) => issuer.fetch(c.req.raw));
      return serveHono(app, issuer, port);
    });
  });
  afterAll(() => mounted.stop());

  it('a whole flow and both well-known forms, the path as sent', async () => {
    await expectServedUnderMount(mounted);
  });

  it('paths outside the issuer are the host’s: the site root is not the issuer', async () => {
    expect((await fetch(`${mounted.origin}/token`, { method: 'POST' })).status).toBe(404);
    expect(await (await fetch(`${mounted.publicUrl}/nope`)).json()).toMatchObject({ error: 'invalid_request' });
  });
});
