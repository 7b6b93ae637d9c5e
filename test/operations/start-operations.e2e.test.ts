import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { tempDirs } from '../support/temp-dirs.js';

const dirs = tempDirs('pdi-start-ops-');
afterAll(dirs.removeAll);

describe('bin/start.ts operations (issue 12 §4)', () => {
  it('issue 12 §4: with metrics.port the metrics, /healthz and /readyz are served on loopback without a token; the issuer port keeps them behind the admin token; logs are JSON lines', async () => {
    const dataDir = dirs.make();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const configFile = join(dataDir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ metrics: { port: metricsPort } }), { mode: 0o600 });
    const url = `http://127.0.0.1:${port}`;
    const child = await spawnIssuer({
      PORT: String(port),
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      CONFIG_FILE: configFile,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const ops = `http://127.0.0.1:${metricsPort}`;
      expect((await fetch(`${url}/.well-known/openid-credential-issuer`)).status).toBe(200);
      const scraped = await fetch(`${ops}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(
        /pdi_http_request_duration_seconds_count\{route="\/.well-known\/openid-credential-issuer",method="GET",status_class="2xx"\} 1/,
      );
      expect(await (await fetch(`${ops}/readyz`)).json()).toEqual({ status: 'ready' });
      expect((await fetch(`${ops}/healthz`)).status).toBe(200);
      expect((await fetch(`${ops}/token`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({
      level: 'info',
      route: '/.well-known/openid-credential-issuer',
      status: 200,
    });
  });
});
