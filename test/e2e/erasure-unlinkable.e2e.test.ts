import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../protocol/jose/thumbprint.js';
import { contextOf, fold, type SessionEvent } from '../../engine/index.js';
import { untilPresentation, untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

/**
 * Seed 002 §3.3, issue 10 §3: the identifiers that link one person's sessions (client id,
 * DPoP, attestation and holder key thumbprints, the PID digest, free-text wallet errors)
 * are never stored in clear, differ from session to session, and once a session is erased
 * cannot be recomputed from a known key or credential.
 */
describe('erasure leaves nothing that links sessions (seed 002 §3.3)', () => {
  const adminToken = 'admin-token-for-unlinkable-01';
  const errorText = 'Erika declined on her phone at 10:42';
  let server: RunningIssuer;
  let wallet: Awaited<ReturnType<RunningIssuer['wallet']>>;
  const sessions: string[] = [];
  const read = (sessionId: string): Promise<SessionEvent[]> => server.internals.engine.store.read(sessionId);
  const raw = () => ({
    dpop: jwkThumbprint(wallet.dpopKey.publicJwk),
    holder: jwkThumbprint(wallet.options.holderKey.publicJwk),
    pid: createHash('sha256').update(wallet.options.pid.split('~')[0]!, 'ascii').digest('base64url'),
  });

  beforeAll(async () => {
    server = await startIssuer({ adminToken, policy: { holderContinuity: true } });
    wallet = await server.wallet();
    // One wallet, one person, three sessions: a wallet error, then two complete flows with the same keys and PID.
    const errored = await untilPresentation(wallet);
    const refused = await wallet.form(
      errored.request.responseUri,
      { error: 'access_denied', error_description: errorText, state: errored.request.state },
      { dpopKey: null },
    );
    expect(refused.status).toBe(200);
    sessions.push(errored.authSession.split('.')[0]!);
    for (let i = 0; i < 2; i++) {
      const flow = await untilToken(wallet);
      expect(
        (
          await wallet.credential(flow.accessToken, {
            configurationId: 'demo_membership',
            cNonce: await wallet.nonce(),
          })
        ).status,
      ).toBe(200);
      sessions.push(flow.authSession.split('.')[0]!);
    }
  });
  afterAll(() => server.stop());

  it('seed 002 §3.3: no stored file holds the client id, a key thumbprint, the PID digest or the wallet error text in clear', () => {
    const needles = [...Object.values(raw()), errorText, `"${wallet.clientId}"`];
    for (const file of readdirSync(server.dataDir).filter((name) => name.includes('.sqlite'))) {
      const bytes = readFileSync(join(server.dataDir, file));
      for (const needle of needles) expect(bytes.includes(needle), `${needle.slice(0, 12)}… in ${file}`).toBe(false);
    }
  });

  it('seed 002 §3.3: the same wallet, keys and PID leave different pseudonyms in each session, while holder continuity (I-40) still held', async () => {
    const [a, b] = await Promise.all(sessions.slice(1).map(async (id) => contextOf(fold(await read(id)))));
    expect(a!.dpopJkt).not.toBe(b!.dpopJkt);
    expect(a!.clientId).not.toBe(b!.clientId);
    expect(a!.presentation!.holderJkt).not.toBe(b!.presentation!.holderJkt);
    expect(a!.presentation!.credentialDigest).not.toBe(b!.presentation!.credentialDigest);
    const issued = (await read(sessions[1]!)).find((event) => event.type === 'CredentialIssued');
    expect(issued?.type === 'CredentialIssued' && issued.data.holderJkts).toEqual([a!.presentation!.holderJkt]);
  });

  it('seed 002 §3.3: before erasure a known key maps to the stored pseudonym; after erasure nobody can recompute it, nor read the wallet error', async () => {
    const { pseudonyms, sealer } = server.internals;
    const target = sessions[1]!;
    const stored = contextOf(fold(await read(target)));
    expect((await pseudonyms.of(target))('jkt', raw().dpop)).toBe(stored.dpopJkt);
    const erroredSession = contextOf(fold(await read(sessions[0]!)));
    expect(await sealer.unseal(sessions[0]!, erroredSession.walletError!.sealedErrorDescription!)).toEqual({
      error_description: errorText,
    });
    for (const id of [target, sessions[0]!])
      expect(
        (
          await fetch(`${server.url}/admin/erase/${id}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${adminToken}` },
          })
        ).status,
      ).toBe(200);
    const p = await pseudonyms.of(target);
    expect([p('jkt', raw().dpop), p('jkt', raw().holder), p('digest', raw().pid)]).not.toContain(stored.dpopJkt);
    expect(p('jkt', raw().holder)).not.toBe(stored.presentation!.holderJkt);
    expect(p('digest', raw().pid)).not.toBe(stored.presentation!.credentialDigest);
    expect(await sealer.unseal(sessions[0]!, erroredSession.walletError!.sealedErrorDescription!)).toBeUndefined();
  });
});
