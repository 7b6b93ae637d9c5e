import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { ALL, type AttackCheck } from '../attack.js';
import type { Opened } from '../dialect-flow.js';
import { audienceOf, presentation, refusedPresentation } from './key-binding.js';

/**
 * A fresh key-binding JWT (SD-JWT §4.3) over `withoutKeyBinding` (`<jwt>~<disclosures>~`), by the
 * holder: a presentation changed this way is bound correctly, so only its disclosures can refuse it.
 */
async function rebound(opened: Opened, withoutKeyBinding: string): Promise<string> {
  const kb = await new SignJWT({
    iat: Math.floor(Date.now() / 1000),
    aud: audienceOf(opened),
    nonce: opened.request.nonce,
    sd_hash: createHash('sha256').update(withoutKeyBinding, 'ascii').digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'kb+jwt' })
    .sign(opened.wallet.options.holderKey.privateKey);
  return `${withoutKeyBinding}${kb}`;
}

/** A disclosure the PID's issuer did not sign (seed 002 CF-20; SD-JWT §7.1) is refused. */
export const disclosures: AttackCheck[] = [
  {
    id: 'disclosure.tampered',
    requirement: 'CF-20',
    title: 'a presentation with a disclosure whose value was changed (and a key-binding JWT over it) is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        async (opened) => {
          const parts = (await presentation(opened)).split('~');
          const disclosure = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as unknown[];
          disclosure[2] = 'Mallory';
          parts[1] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
          return rebound(opened, `${parts.slice(0, -1).join('~')}~`);
        },
        'the presentation with a tampered disclosure',
      ),
  },
];
