import { describe, expect, it } from 'vitest';
import { BodyTooLarge } from '../../transports/http/http-edge.js';
import { rebuiltBody, UnrebuildableBody } from '../../transports/http/parsed-body.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

describe('the body a host parser already read, rebuilt (issue 12 §3)', () => {
  it('RFC 6749 §3.1: a parameter parsed into an array comes back once per value, for the form reader to refuse', () => {
    const text = rebuiltBody({ headers: FORM, body: { client_id: 'w', scope: ['a', 'b'] } }, 1000);
    expect([...new URLSearchParams(text)]).toEqual([
      ['client_id', 'w'],
      ['scope', 'a'],
      ['scope', 'b'],
    ]);
  });

  it('a nested form value (qs, extended: true) has no faithful text: refused', () => {
    expect(() => rebuiltBody({ headers: FORM, body: { a: { b: 'c' } } }, 1000)).toThrow(UnrebuildableBody);
  });

  it('JSON (and +json) serialised again, text and raw bytes as they were', () => {
    expect(rebuiltBody({ headers: JSON_TYPE, body: { a: [1] } }, 1000)).toBe('{"a":[1]}');
    expect(rebuiltBody({ headers: { 'content-type': 'application/jwt+json' }, body: [1] }, 1000)).toBe('[1]');
    expect(rebuiltBody({ headers: { 'content-type': 'text/plain' }, body: 'a=b' }, 1000)).toBe('a=b');
    expect(rebuiltBody({ headers: {}, body: Buffer.from('raw') }, 1000)).toBe('raw');
    expect(rebuiltBody({ headers: FORM }, 1000)).toBe('');
  });

  it('an object parsed from another media type is refused', () => {
    expect(() => rebuiltBody({ headers: { 'content-type': 'application/xml' }, body: { a: 'b' } }, 1000)).toThrow(
      UnrebuildableBody,
    );
  });

  it('seed size limit: a rebuilt body beyond the limit is refused', () => {
    expect(() => rebuiltBody({ headers: FORM, body: { a: 'x'.repeat(20) } }, 10)).toThrow(BodyTooLarge);
  });
});
