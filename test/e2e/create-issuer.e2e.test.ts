import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CREDENTIALS } from '../../config/load.js';
import { createIssuer } from '../../issuer/create-issuer.js';
import { sqlitePreset } from '../../issuer/sqlite-preset.js';

// Issue 11 §3: createIssuer is the one root; it validates the plain configuration itself.
describe('createIssuer', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-create-'));
  const plain = { dataDir, publicUrl: 'http://localhost:4321', credentialConfigurations: DEMO_CREDENTIALS };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses an invalid configuration with a one-line ConfigError, as loadConfig does (fail closed)', async () => {
    const ports = await sqlitePreset(plain);
    try {
      expect(() => createIssuer({ config: { ...plain, bogus: true } as never, ...ports })).toThrow(
        new ConfigError('configuration: (top level): unknown key bogus'),
      );
      expect(() => createIssuer({ config: { ...plain, publicUrl: 'ftp://x' }, ...ports })).toThrow(ConfigError);
    } finally {
      await ports.stores.close();
    }
  });

  it('serves a plain configuration over the ports it is given, validated (the trailing slash of the URL dropped) with the defaults applied', async () => {
    const issuer = createIssuer({
      config: { ...plain, port: 4321, publicUrl: 'http://localhost:4321/' },
      ...(await sqlitePreset(plain)),
    });
    const response = await issuer.fetch(new Request('http://localhost:4321/.well-known/openid-credential-issuer'));
    expect(response.status).toBe(200);
    expect((await response.json()).credential_issuer).toBe('http://localhost:4321');
    issuer.start();
    await issuer.stop();
  });
});
