import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CREDENTIALS, parseConfig } from '../../config/load.js';
import { corsHeaders, preflightHeaders } from '../../protocol/cors.js';

const configWith = (origins: string[]) =>
  parseConfig({ publicUrl: 'https://issuer.example', credentialConfigurations: DEMO_CREDENTIALS, cors: { origins } });

describe('cors.origins (issue 12 §5, fail closed)', () => {
  it('defaults to none: no endpoint but the public ones answers any origin', () => {
    const rules = { origins: new Set(configWith([]).cors.origins) };
    expect(corsHeaders('configuredOrigins', 'https://wallet.example', rules)).toEqual({});
    expect(preflightHeaders('configuredOrigins', 'https://wallet.example', rules, ['POST'])).toEqual({});
    expect(corsHeaders('public', null, rules)).toEqual({ 'Access-Control-Allow-Origin': '*' });
  });

  it('takes exact origins, with a port', () => {
    expect(configWith(['https://wallet.example', 'http://127.0.0.1:8080']).cors.origins).toEqual([
      'https://wallet.example',
      'http://127.0.0.1:8080',
    ]);
  });

  it.each([
    '*',
    'null',
    'https://wallet.example/',
    'https://wallet.example/app',
    'https://Wallet.Example',
    'https://wallet.example:443',
    'ftp://wallet.example',
    'wallet.example',
  ])('RFC 6454 §6.1: refuses %s at configuration time (not an origin as a browser sends it)', (origin) => {
    expect(() => configWith([origin])).toThrow(ConfigError);
  });

  it('refuses an unknown key under cors', () => {
    expect(() =>
      parseConfig({
        publicUrl: 'https://issuer.example',
        credentialConfigurations: DEMO_CREDENTIALS,
        cors: { origins: [], allowCredentials: true } as never,
      }),
    ).toThrow(ConfigError);
  });
});
