import { generateWalletKey, type WalletKey } from '../../wallet/index.js';
import { presentSdJwtVc } from '../../wallet/presentation.js';
import { ALL, type AttackCheck, type AttackContext } from '../attack.js';
import { expectRefusal, skip } from '../failure.js';
import type { Opened } from '../dialect-flow.js';

/** The audience an honest presentation names: L the verifier's client_id, the interactive dialects theirs (protocol-ia.md §4). */
export function audienceOf(opened: Opened): string {
  return opened.steps?.audience ?? opened.request.clientId;
}

/** An honest presentation of the session's PID, changed by `change` before it is bound (or signed by `holder`). */
export function presentation(
  opened: Opened,
  change: { nonce?: string; audience?: string; now?: number; holder?: WalletKey; claims?: string[] } = {},
): Promise<string> {
  return presentSdJwtVc(opened.wallet.options.pid, change.holder ?? opened.wallet.options.holderKey, {
    nonce: change.nonce ?? opened.request.nonce,
    audience: change.audience ?? audienceOf(opened),
    claims: change.claims ?? opened.request.claims,
    now: change.now ?? Date.now(),
  });
}

/** The claim name of an encoded disclosure `[salt, name, value]` (SD-JWT §4.2.1). */
function disclosureName(encoded: string): unknown {
  try {
    return (JSON.parse(Buffer.from(encoded, 'base64url').toString()) as unknown[])[1];
  } catch {
    return undefined;
  }
}

/** The claim names a PID's disclosures carry. */
function disclosureNames(pid: string): string[] {
  return pid
    .split('~')
    .slice(1)
    .map(disclosureName)
    .filter((name): name is string => typeof name === 'string');
}

/** Presents `vpToken` in the session and requires the verifier's refusal (CF-21: invalid_request). */
export async function refusedPresentation(
  { flow }: AttackContext,
  vpToken: (opened: Opened) => Promise<string>,
  what: string,
): Promise<void> {
  const opened = await flow.open();
  const answer = await flow.present(opened, { vpToken: await vpToken(opened), audience: audienceOf(opened) });
  expectRefusal(answer, 'invalid_request', what);
}

/** The key-binding JWT (SD-JWT §4.3; seed 002 P-41, CF-21) ties the presentation to this verifier, request and holder. */
export const keyBinding: AttackCheck[] = [
  {
    id: 'kb.aud',
    requirement: 'P-41',
    title: 'a key-binding JWT for another audience is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        (opened) =>
          presentation(opened, {
            audience: opened.steps ? 'ia:https://attacker.example' : 'x509_san_dns:attacker.example',
          }),
        'the presentation for another audience',
      ),
  },
  {
    id: 'kb.nonce',
    requirement: 'P-41',
    title: "a key-binding JWT over another nonce than the request's is refused",
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        (opened) => presentation(opened, { nonce: 'a-nonce-this-session-never-handed-out' }),
        'the presentation over another nonce',
      ),
  },
  {
    id: 'kb.sd-hash',
    requirement: 'CF-21',
    title: 'a presentation with a bound disclosure removed after binding (sd_hash mismatch) is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        async (opened) => {
          // One disclosure more than asked for is bound, then removed: the rest is a valid answer to the request.
          const extra = disclosureNames(opened.wallet.options.pid).find(
            (name) => !opened.request.claims.includes(name),
          );
          if (extra === undefined) skip('the PID discloses nothing beyond the requested claims');
          const parts = (await presentation(opened, { claims: [...opened.request.claims, extra] })).split('~');
          return parts
            .filter((part, i) => i === 0 || i === parts.length - 1 || disclosureName(part) !== extra)
            .join('~');
        },
        'the presentation with a disclosure removed',
      ),
  },
  {
    id: 'kb.missing',
    requirement: 'CF-21',
    title: 'a presentation without its key-binding JWT is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        async (opened) => {
          const honest = await presentation(opened);
          return honest.slice(0, honest.lastIndexOf('~') + 1);
        },
        'the presentation without a key-binding JWT',
      ),
  },
  {
    id: 'kb.other-key',
    requirement: 'CF-21',
    title: "a key-binding JWT signed by another key than the PID's cnf is refused",
    dialects: ALL,
    run: async (context) => {
      const thief = await generateWalletKey();
      await refusedPresentation(
        context,
        (opened) => presentation(opened, { holder: thief }),
        'the thief’s presentation',
      );
    },
  },
  {
    id: 'kb.stale',
    requirement: 'SD-JWT §7.3',
    title: 'a key-binding JWT issued an hour ago is refused',
    dialects: ALL,
    run: (context) =>
      refusedPresentation(
        context,
        (opened) => presentation(opened, { now: Date.now() - 3600_000 }),
        'the stale presentation',
      ),
  },
];
