import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../../adapters/keys/keyring.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { untilToken } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';

describe('configurable policies, keys and offers', () => {
  let server: RunningIssuer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('seed 000 appendix (strict): request_uri, response_type, code_challenge and code_challenge_method are refused', async () => {
    server = await startIssuer({ strictSeedParameters: true });
    const wallet = await server.wallet();
    expect((await wallet.challenge({ scope: 'membership' })).body.error).toBe('insufficient_authorization');
    const forbidden: Array<[string, string]> = [
      ['response_type', 'code'],
      ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'],
      ['code_challenge_method', 'S256'],
      ['request_uri', 'urn:x'],
    ];
    for (const [name, value] of forbidden)
      expect((await wallet.challenge({ scope: 'membership', [name]: value })).body.error, name).toBe('invalid_request');
  });

  it('I-40, OpenID4VCI #742: with holder continuity, a proof key other than the presented holder key is invalid_proof', async () => {
    server = await startIssuer({
      policy: { holderContinuity: true, maxPresentationAttempts: 3, afterWalletError: 'new_request' },
    });
    const wallet = await server.wallet();
    const { accessToken } = await untilToken(wallet);
    const stranger = await generateWalletKey();
    const refused = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
      proofKeys: [stranger],
    });
    expect(refused.body.error).toBe('invalid_proof');
    const accepted = await wallet.credential(accessToken, {
      configurationId: 'demo_membership',
      cNonce: await wallet.nonce(),
    });
    expect(accepted.status).toBe(200);
  });

  it('key rotation keeps the old public key published and signs with the new one after a restart', async () => {
    server = await startIssuer();
    const before = server.internals.keys.credentialSigner().kid;
    const env = { ...process.env, DATA_DIR: server.dataDir, PUBLIC_URL: server.url };
    execFileSync(process.execPath, ['--import', 'tsx', 'bin/rotate-keys.ts'], { env, encoding: 'utf8' });
    const reopened = await KeyRing.open(server.dataDir, { now: server.clock.now, subjectDns: '127.0.0.1' });
    expect(reopened.current().kid).not.toBe(before);
    expect(reopened.jwks().keys.map((k) => k.kid)).toEqual([before, reopened.current().kid]);
  });

  it('the offer CLI prints an offer whose issuer_state the issuer accepts', async () => {
    server = await startIssuer();
    const env = { ...process.env, DATA_DIR: server.dataDir, PUBLIC_URL: server.url };
    const uri = execFileSync(process.execPath, ['--import', 'tsx', 'bin/offer.ts', 'demo_membership', '--by-value'], {
      env,
      encoding: 'utf8',
    }).trim();
    const offer = JSON.parse(new URL(uri).searchParams.get('credential_offer')!);
    const wallet = await server.wallet();
    const issuerState = offer.grants.authorization_code.issuer_state;
    expect(
      (await wallet.runFlow({ scope: 'membership', configurationId: 'demo_membership', issuerState })).length,
    ).toBeGreaterThan(100);
  });

  it('rule 3: with nats the offer CLI refuses in one line, and writes no key file or SQLite offer of its own', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pdi-offer-nats-'));
    const env = { ...process.env, DATA_DIR: dataDir, NATS_URL: 'nats://127.0.0.1:1', NATS_TOKEN: 'unused' };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/offer.ts', 'demo_membership'], {
      env,
      encoding: 'utf8',
    });
    expect([run.status, run.stderr.trim()]).toEqual([2, expect.stringContaining('POST /admin/offers')]);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(execFileSync('ls', [dataDir], { encoding: 'utf8' })).toBe('');
  });
});
