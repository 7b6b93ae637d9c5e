import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../engine/index.js';
import { domainEventOf } from '../../protocol/domain-event.js';

const meta = { v: 2, id: 'event-1', sessionId: 'session-1', at: 1_000 } as const;

describe('domain events on pdi.domain.> (rule 3: personal data, even sealed, never on a backend subject)', () => {
  it('rule 3: a wallet error reaches backends without its sealed error_description', () => {
    const event = {
      type: 'WalletErrorReceived',
      data: { requestId: 'r', state: 's', error: 'access_denied', sealedErrorDescription: 'v1.iv.body.tag' },
      meta,
    } as SessionEvent;
    expect(domainEventOf(event)).toEqual({
      type: 'WalletErrorReceived',
      data: { requestId: 'r', state: 's', error: 'access_denied' },
      meta,
    });
  });

  it('rule 3: a verified presentation reaches backends without its sealed claims; other events unchanged', () => {
    const verified = {
      type: 'PresentationVerified',
      data: { requestId: 'r', sealedClaims: 'v1.x.y.z' },
      meta,
    } as unknown as SessionEvent;
    expect(JSON.stringify(domainEventOf(verified))).not.toContain('sealedClaims');
    const erased = { type: 'Erased', data: {}, meta } as SessionEvent;
    expect(domainEventOf(erased)).toBe(erased);
  });
});
