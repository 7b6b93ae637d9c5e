import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../config/load.js';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSession, tokenSigner } from '../../adapters/keys/pkcs11/index.js';
import { freePort } from '../../testing/cluster.js';
import { spawnIssuer } from '../../testing/issuer-process.js';
import { openDemoPidIssuer, DEMO_PERSON } from '../../wallet/demo-pid-issuer.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';
import { SOFTHSM_MODULE, softHsm } from '../support/softhsm.js';
import { tempDirs } from '../support/temp-dirs.js';
import { issueVerifierChain } from '../support/verifier-ca.js';

const TOKEN = { label: 'pdi-start', pin: '2468-1357' };
const HOST = '127.0.0.1';
const hsm = softHsm();
const dirs = tempDirs('pdi-pkcs11-start-');
let credentialJwk: JWK;
let verifierJwk: JWK;

beforeAll(async () => {
  hsm.initToken(TOKEN.label, TOKEN.pin);
  await hsm.generateKeyPair(TOKEN, { label: 'credential', id: '01' });
  await hsm.generateKeyPair(TOKEN, { label: 'verifier', id: '02' });
  const session = TokenSession.open({ modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pin: { value: TOKEN.pin } });
  credentialJwk = (await tokenSigner(session, { label: 'credential' })).publicJwk;
  verifierJwk = (await tokenSigner(session, { label: 'verifier' })).publicJwk;
  await session.close();
});
afterAll(() => {
  hsm.remove();
  dirs.removeAll();
});

/** A configuration file with a `pkcs11` block (and its PIN and chain files, owner-only, outside the data directory). */
async function tokenConfig(block: Record<string, unknown> = {}, pin = TOKEN.pin, chainHost = HOST): Promise<string> {
  const dir = dirs.make();
  const pinFile = join(dir, 'pin');
  const chainFile = join(dir, 'verifier-chain.pem');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  writeFileSync(chainFile, await issueVerifierChain(verifierJwk, chainHost));
  const pkcs11 = {
    modulePath: SOFTHSM_MODULE,
    tokenLabel: TOKEN.label,
    pinFile,
    credentialKey: { label: 'credential' },
    verifierKey: { id: '02' },
    verifierCertificateChainFile: chainFile,
    ...block,
  };
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ pkcs11 }));
  return file;
}

/** `bin/start.ts` expected to fail: its exit code and what it printed. */
function failedStart(configFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/start.ts', '--demo'],
      { env: { ...process.env, CONFIG_FILE: configFile, DATA_DIR: dirs.make() }, timeout: 20_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

describe('bin/start.ts with the pkcs11 configuration block (issue 12 §2)', () => {
  it('signs credentials and request objects on the token: the reference wallet completes the flow against the started issuer', async () => {
    const port = await freePort();
    const url = `http://${HOST}:${port}`;
    const dataDir = join(dirs.make(), 'data');
    const env = { CONFIG_FILE: await tokenConfig(), PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir };
    const child = await spawnIssuer(env);
    try {
      const metadata = await fetch(`${url}/.well-known/jwt-vc-issuer`).then((r) => r.json());
      expect(metadata.jwks).toEqual({ keys: [credentialJwk] });
      const pidIssuer = await openDemoPidIssuer(dataDir, url);
      const holderKey = await generateWalletKey();
      const pid = await pidIssuer.issuePid(holderKey.publicJwk, DEMO_PERSON, Date.now());
      const wallet = await ReferenceWallet.create({ issuerUrl: url, pid, holderKey, now: Date.now });
      const requests: Array<Record<string, unknown>> = [];
      const credential = await wallet.runFlow({
        scope: 'membership',
        configurationId: 'demo_membership',
        onStep: (step, detail) => step.startsWith('6') && requests.push(detail as Record<string, unknown>),
      });
      expect(requests[0]).toMatchObject({ client_id: `x509_san_dns:${HOST}` });
      const issuerSigned = credential.split('~')[0]!;
      expect(decodeProtectedHeader(issuerSigned).kid).toBe(credentialJwk.kid);
      await compactVerify(issuerSigned, createLocalJWKSet(metadata.jwks));
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('fail closed: a wrong PIN stops the start in one line naming CKR_PIN_INCORRECT, never the PIN; so do a chain for another host and an unknown key', async () => {
    const [wrongPin, otherHost, unknownKey] = await Promise.all([
      failedStart(await tokenConfig({}, 'wrong-pin-0000')),
      failedStart(await tokenConfig({}, TOKEN.pin, 'other.example')),
      failedStart(await tokenConfig({ credentialKey: { label: 'nope' } })),
    ]);
    for (const { code, stderr } of [wrongPin, otherHost, unknownKey]) {
      expect(code).toBe(1);
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
    }
    expect(wrongPin.stderr).toContain(`PKCS#11 token "${TOKEN.label}" refused the user login (CKR_PIN_INCORRECT)`);
    expect(wrongPin.stderr).not.toContain('wrong-pin-0000');
    // Without PUBLIC_URL the issuer is http://localhost:3000: its verifier leaf must name localhost.
    expect(otherHost.stderr).toContain('the verifier leaf certificate has no dNSName SAN localhost');
    expect(unknownKey.stderr).toContain(`no EC private key labelled "nope" on token "${TOKEN.label}"`);
  });

  it('rule 3: an unknown pkcs11 setting, a verifier key without its chain or a block that signs nothing is a configuration error', () => {
    const base = { modulePath: SOFTHSM_MODULE, tokenLabel: TOKEN.label, pinFile: '/run/secrets/pin' };
    const parse = (pkcs11: Record<string, unknown>) => () => loadConfig({}, { pkcs11 } as never);
    expect(parse({ ...base, credentialKey: { label: 'c' }, pin: '1234' })).toThrow(
      new ConfigError('configuration: pkcs11: unknown key pin'),
    );
    expect(parse({ ...base, verifierKey: { label: 'v' } })).toThrow(
      'verifierKey and verifierCertificateChainFile go together',
    );
    expect(parse(base)).toThrow('set credentialKey, verifierKey or both');
    expect(parse({ ...base, credentialKey: { id: 'xyz' } })).toThrow('a CKA_ID is hex');
    expect(
      parse({ ...base, verifierKey: { label: 'v' }, verifierCertificateChainFile: 'c.pem', publishKeyFileKeys: true }),
    ).toThrow('publishKeyFileKeys needs credentialKey');
    expect(loadConfig({}, { pkcs11: { ...base, credentialKey: { label: 'c' } } }).pkcs11).toMatchObject({
      publishKeyFileKeys: false,
    });
  });
});
