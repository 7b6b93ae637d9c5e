import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/load.js';

const base = { publicUrl: 'https://issuer.example', credentialConfigurations: {} };

function refusal(input: object): string {
  try {
    parseConfig({ ...base, ...input });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('operations configuration (issue 12 §2, §4; rule 3: unknown configuration is an error)', () => {
  it('issue 12 §4: metrics are collected but never public by default: admin token required on the issuer port, loopback for their own port', () => {
    const config = parseConfig(base);
    expect(config.metrics).toEqual({ enabled: true, path: '/metrics', host: '127.0.0.1', requireAdminToken: true });
    expect(config.log).toEqual({ level: 'info' });
  });

  it('rule 3: an unknown key, a bad level or a metrics path over /readyz is one readable line naming the key', () => {
    const unknown = refusal({ metrics: { enabled: true, public: true } });
    expect(unknown).toBe('configuration: metrics: unknown key public');
    expect(refusal({ log: { level: 'debug' } })).toMatch(/^configuration: log\.level: /);
    expect(refusal({ metrics: { path: '/readyz' } })).toBe(
      'configuration: metrics.path: must not be /healthz or /readyz',
    );
    expect(refusal({ metrics: { port: 70000 } })).toMatch(/^configuration: metrics\.port: /);
    for (const message of [unknown, refusal({ log: { level: 'debug' } })]) expect(message).not.toContain('\n');
  });
});
