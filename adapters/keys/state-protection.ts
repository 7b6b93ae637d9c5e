import { KeyWrap } from './key-wrap.js';
import type { IssuerKeys } from './ports.js';
import { RecordMac } from './record-mac.js';

/** The keys that protect state at rest, derived from the issuer's keys: session keys are wrapped, bus records authenticated. */
export interface StateProtection {
  wrap: KeyWrap;
  mac: RecordMac;
}

export function stateProtection(keys: Pick<IssuerKeys, 'derivedSecret'>): StateProtection {
  return {
    wrap: new KeyWrap(keys.derivedSecret('session-key-wrap')),
    mac: new RecordMac(keys.derivedSecret('jetstream-record-mac')),
  };
}
