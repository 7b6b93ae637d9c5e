import { ALL, type AttackCheck } from '../attack.js';
import { presentation, refusedPresentation } from './key-binding.js';

/** A disclosure the PID's issuer did not sign (seed 002 CF-20; SD-JWT §7.1) is refused. */
export const disclosures: AttackCheck[] = [
  {
    id: 'disclosure.tampered',
    requirement: 'CF-20',
    title: 'a presentation with a disclosure whose value was changed is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        async (opened) => {
          const parts = (await presentation(opened)).split('~');
          const disclosure = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as unknown[];
          disclosure[2] = 'Mallory';
          parts[1] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
          return parts.join('~');
        },
        'the presentation with a tampered disclosure',
      ),
  },
];
