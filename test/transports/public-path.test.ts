import { describe, expect, it } from 'vitest';
import { publicPath, siteRootWellKnownName, siteRootWellKnownPaths } from '../../protocol/issuer-path.js';
import { publicRequestUrl } from '../../transports/http/http-edge.js';

describe('the path a client used, from what a host handed over (issue 12 §2)', () => {
  it.each([
    ['/oid4vci/token', '/oid4vci/token', 'not stripped: as sent'],
    ['/token', '/oid4vci/token', 'stripped by the host: the base path put back'],
    [
      '/.well-known/openid-credential-issuer',
      '/oid4vci/.well-known/openid-credential-issuer',
      'stripped appended form',
    ],
    [
      '/.well-known/openid-credential-issuer/oid4vci',
      '/.well-known/openid-credential-issuer/oid4vci',
      'site-root form',
    ],
    [
      '/.well-known/openid-credential-issuer/other',
      '/oid4vci/.well-known/openid-credential-issuer/other',
      'another issuer',
    ],
    ['/oid4vcix/token', '/oid4vci/oid4vcix/token', 'a sibling path is not inside the base path'],
    ['/', '/oid4vci/', 'the mount root'],
    ['/oid4vci', '/oid4vci', 'the base path itself'],
  ])('base path /oid4vci: %s → %s (%s)', (given, expected) => {
    expect(publicPath(given, '/oid4vci')).toBe(expected);
  });

  it('an issuer at the site root: every path as sent', () => {
    for (const path of ['/token', '/.well-known/jwt-vc-issuer', '/oid4vci/token'])
      expect(publicPath(path, '')).toBe(path);
    expect(siteRootWellKnownPaths('https://issuer.example')).toEqual([]);
  });

  it('the site-root well-known paths a host must route (RFC 8414 §3.1, OpenID4VCI §12.2.2, SD-JWT VC §5)', () => {
    expect(siteRootWellKnownPaths('https://issuer.example/tenant/a')).toEqual([
      '/.well-known/openid-credential-issuer/tenant/a',
      '/.well-known/oauth-authorization-server/tenant/a',
      '/.well-known/jwt-vc-issuer/tenant/a',
    ]);
    expect(siteRootWellKnownName('/.well-known//oid4vci', '/oid4vci')).toBeUndefined();
    expect(siteRootWellKnownName('/.well-known/x/oid4vci/', '/oid4vci')).toBeUndefined();
  });

  it('RFC 9449 §4.3: the URL handed on is on the public origin; dot segments resolved, encoded ones left for the router to refuse', () => {
    const at = (target: string) => publicRequestUrl(target, 'https://issuer.example/oid4vci').href;
    expect(at('http://internal:8080/token?x=1')).toBe('https://issuer.example/oid4vci/token?x=1');
    expect(at('/oid4vci/../token')).toBe('https://issuer.example/oid4vci/token');
    expect(at('/oid4vci/%2e%2e/admin/offers')).toBe('https://issuer.example/oid4vci/admin/offers');
    expect(at('/oid4vci%2Ftoken')).toBe('https://issuer.example/oid4vci/oid4vci%2Ftoken');
    // A request-target beginning `//` names no other host: it stays a path on the public origin.
    expect(new URL(at('//evil.example/token')).host).toBe('issuer.example');
  });
});
