import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webCryptoSigner } from '../../adapters/keys/web-crypto-signer.js';
import { signCompactJws } from '../../protocol/jose/compact-jws.js';
import { issueSdJwtVc } from '../../protocol/openid4vci/sd-jwt-vc.js';
import { freePort } from '../../testing/cluster.js';
import { untilPresentation } from '../../testing/flow-steps.js';
import { startIssuer, type RunningIssuer } from '../../testing/issuer-server.js';
import { DEMO_PERSON, DEMO_PID_ISSUER } from '../../wallet/demo-pid-issuer.js';
import { createIssuerPki, type IssuerPki } from '../../wallet/demo-pki.js';
import { setDemoPidStatus } from '../../wallet/demo-pid-status.js';
import { generateWalletKey } from '../../wallet/keys.js';
import { ReferenceWallet } from '../../wallet/reference-wallet.js';

/** A status list server of a PID provider, in the test process: list 0 of `bits` 2, signed by `pki`'s leaf. */
async function statusServer(pki: IssuerPki, revoked: number[] = []) {
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}/status/0`;
  const server: Server = createServer(async (_, response) => {
    const list = new StatusList(new Array<number>(64).fill(0), 2);
    for (const idx of revoked) list.setStatus(idx, 1);
    const iat = Math.floor(Date.now() / 1000);
    const { header, payload } = createHeaderAndPayload(
      list,
      { sub: uri, iat, exp: iat + 600, ttl: 60 },
      { alg: 'ES256', typ: 'statuslist+jwt', x5c: pki.x5c },
    );
    const token = await signCompactJws(webCryptoSigner('leaf', pki.leafPrivateKey), header, payload);
    response.writeHead(200, { 'Content-Type': 'application/statuslist+jwt' }).end(token);
  }).listen(port, '127.0.0.1');
  return { uri, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('PID issuer trust and PID status at the verifier (E-30, E-40, E-50, V-20)', () => {
  let server: RunningIssuer;
  /** The demo provider's own anchor, written back beside each test's anchor so the demo wallets stay trusted. */
  let demoAnchor: string;
  beforeAll(async () => {
    server = await startIssuer();
    demoAnchor = readFileSync(server.pidIssuer.anchorFile, 'utf8');
  });
  afterAll(() => server.stop());

  /** A presentation of a PID signed by `pki` (x5c), with the given status entry, answered by the verifier. */
  async function present(pki: IssuerPki, status?: { uri: string; idx: number }, issuer = DEMO_PID_ISSUER) {
    const holderKey = await generateWalletKey();
    const pid = await issueSdJwtVc({
      issuer,
      signingKey: webCryptoSigner('leaf', pki.leafPrivateKey),
      x5c: pki.x5c,
      vct: 'urn:eudi:pid:1',
      claims: DEMO_PERSON,
      disclosable: Object.keys(DEMO_PERSON),
      holderJwk: holderKey.publicJwk,
      now: server.clock.now,
      lifetimeSeconds: 3600,
      ...(status && { status: { status_list: status } }),
    });
    const wallet = await ReferenceWallet.create({ issuerUrl: server.url, pid, holderKey, now: () => server.clock.now });
    const { request } = await untilPresentation(wallet);
    return wallet.respond(request);
  }
  const refusal = (answer: { status: number; body: Record<string, unknown> }) => [
    answer.status,
    answer.body.error,
    String(answer.body.error_description),
  ];
  const demoStatus = () => ({ uri: `${server.url}/demo/pid-provider/status/0`, idx: 0 });

  it('E-30: a PID whose x5c chains to an anchor that is not configured is refused, naming the path step', async () => {
    const stranger = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    const [status, error, description] = refusal(await present(stranger, demoStatus()));
    expect([status, error]).toEqual([400, 'invalid_request']);
    expect(description).toMatch(/x5c refused \(path\)/);
  });

  it('E-30, RFC 5280 §6.1.3: a PID whose intermediate certificate has expired is refused (validity)', async () => {
    const { anchorPem, ...expired } = await createIssuerPki({
      issuer: DEMO_PID_ISSUER,
      now: server.clock.now,
      intermediateNotAfter: server.clock.now - 60_000,
    });
    writeFileSync(server.pidIssuer.anchorFile, `${anchorPem}\n${demoAnchor}`);
    const [, error, description] = refusal(await present({ anchorPem, ...expired }, demoStatus()));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/x5c refused \(validity\)/);
  });

  it('E-30, SD-JWT VC §3.5: a PID whose leaf certificate names another issuer is refused (issuer-binding)', async () => {
    const pki = await createIssuerPki({ issuer: 'https://other-provider.example', now: server.clock.now });
    writeFileSync(server.pidIssuer.anchorFile, `${pki.anchorPem}\n${demoAnchor}`);
    const [, error, description] = refusal(await present(pki, demoStatus()));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/x5c refused \(issuer-binding\)/);
  });

  it('E-40: removing an anchor from the anchor file stops acceptance at the next presentation', async () => {
    const pki = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    const list = await statusServer(pki);
    try {
      writeFileSync(server.pidIssuer.anchorFile, `${pki.anchorPem}\n${demoAnchor}`);
      expect((await present(pki, { uri: list.uri, idx: 3 })).status).toBe(200);
      writeFileSync(server.pidIssuer.anchorFile, demoAnchor);
      expect(refusal(await present(pki, { uri: list.uri, idx: 3 }))[2]).toMatch(/x5c refused \(path\)/);
    } finally {
      await list.close();
    }
  });

  it('E-50, V-20: a revoked demo PID is refused with a clear error; a suspended one too', async () => {
    setDemoPidStatus(server.dataDir, 7, 'revoked');
    setDemoPidStatus(server.dataDir, 8, 'suspended');
    const revoked = await server.wallet({ statusIdx: 7 });
    const answer = await revoked.respond((await untilPresentation(revoked)).request);
    expect(refusal(answer)).toEqual([
      400,
      'invalid_request',
      'the credential is revoked (its status list entry is INVALID)',
    ]);
    server.clock.now += 6_000; // past the demo list's ttl: the verifier reads it again
    const suspended = await server.wallet({ statusIdx: 8 });
    const second = await suspended.respond((await untilPresentation(suspended)).request);
    expect(refusal(second)).toEqual([400, 'invalid_request', 'the credential is suspended']);
    const valid = await server.wallet({ statusIdx: 9 });
    expect((await valid.respond((await untilPresentation(valid)).request)).status).toBe(200);
  });

  it('E-50, status list §8.3: a PID whose status list is unreachable is refused (fail closed), the reason named', async () => {
    const pki = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    writeFileSync(server.pidIssuer.anchorFile, `${pki.anchorPem}\n${demoAnchor}`);
    const closed = `http://127.0.0.1:${await freePort()}/status/0`;
    expect(refusal(await present(pki, { uri: closed, idx: 1 }))).toEqual([
      400,
      'invalid_request',
      'the credential’s status list cannot be used (unreachable)',
    ]);
  });

  it('E-50, status list §8.3 step 2: a status list signed by another key than the PID issuer’s is refused', async () => {
    const pki = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    const impostor = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    writeFileSync(server.pidIssuer.anchorFile, `${pki.anchorPem}\n${demoAnchor}`);
    const list = await statusServer(impostor);
    try {
      expect(refusal(await present(pki, { uri: list.uri, idx: 1 }))[2]).toBe(
        'the credential’s status list cannot be used (signature)',
      );
    } finally {
      await list.close();
    }
  });

  it('E-50: a PID without a status entry is refused by default (its revocation could not be seen)', async () => {
    const pki = await createIssuerPki({ issuer: DEMO_PID_ISSUER, now: server.clock.now });
    writeFileSync(server.pidIssuer.anchorFile, `${pki.anchorPem}\n${demoAnchor}`);
    expect(refusal(await present(pki))[2]).toBe(
      'the credential has no status list entry, so its revocation cannot be seen',
    );
  });
});
