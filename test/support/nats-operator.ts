import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/nats-core';

type KeyPair = ReturnType<typeof nkeys.createOperator>;
const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');

/** A NATS JWT (decentralised auth) for `claims`, signed by `signer`'s NKey. */
function natsJwt(signer: KeyPair, claims: Record<string, unknown>): string {
  const header = b64(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const body = { ...claims, iat: Math.floor(Date.now() / 1000), iss: signer.getPublicKey() };
  const payload = b64(
    JSON.stringify({
      jti: createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 52).toUpperCase(),
      ...body,
    }),
  );
  return `${header}.${payload}.${b64(signer.sign(new TextEncoder().encode(`${header}.${payload}`)))}`;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

/**
 * Operator mode for a test nats-server: an operator, a system account, one JetStream-enabled
 * account and one user in it, written as `nats.conf` (memory resolver) and `user.creds` in `dir`.
 */
export function writeOperatorFiles(dir: string): { config: string; creds: string } {
  const operator = nkeys.createOperator();
  const system = nkeys.createAccount();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const operatorJwt = natsJwt(operator, {
    sub: operator.getPublicKey(),
    name: 'pdi-test',
    nats: { type: 'operator', version: 2, system_account: system.getPublicKey() },
  });
  const systemJwt = natsJwt(operator, {
    sub: system.getPublicKey(),
    name: 'SYS',
    nats: { limits: UNLIMITED, type: 'account', version: 2 },
  });
  const accountJwt = natsJwt(operator, {
    sub: account.getPublicKey(),
    name: 'pdi',
    nats: {
      limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
      type: 'account',
      version: 2,
    },
  });
  const userJwt = natsJwt(account, {
    sub: user.getPublicKey(),
    name: 'pdi-engine',
    nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 },
  });
  const config = join(dir, 'operator.conf');
  writeFileSync(
    config,
    `operator: ${operatorJwt}\nsystem_account: ${system.getPublicKey()}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: ${accountJwt}, ${system.getPublicKey()}: ${systemJwt} }\n`,
  );
  const creds = join(dir, 'user.creds');
  const seed = new TextDecoder().decode(user.getSeed());
  writeFileSync(
    creds,
    `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
    { mode: 0o600 },
  );
  return { config, creds };
}
