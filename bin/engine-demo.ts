/**
 * The main job until the HTTP transport lands: one scripted presentation-during-issuance
 * flow through the engine on the embedded SQLite store (DATA_DIR, default ./data),
 * then the session's stored event log. The cryptographic facts a real verifier would
 * find are given here as thumbprints and digests of demo values.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { randomIds } from '../adapters/ids/random-ids.js';
import { hashSecret, newHandle } from '../protocol/handles.js';
import { SqliteEventStore } from '../adapters/stores/sqlite/event-store.js';
import { Engine, stateName, type Command } from '../engine/index.js';
import { engineConfig } from '../testing/index.js';

const dataDir = process.env.DATA_DIR ?? './data';
mkdirSync(dataDir, { recursive: true });
const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
const engine = new Engine({ store, config: engineConfig() });

const sessionId = randomIds.sessionId();
const wallet = { dpopJkt: hashSecret('demo wallet DPoP key'), holderJkt: hashSecret('demo wallet holder key') };
const verifierClientId = 'x509_san_dns:localhost';
const secrets = {
  authSession: newHandle(randomIds, sessionId),
  pdis: newHandle(randomIds, sessionId),
  code: newHandle(randomIds, sessionId),
  token: newHandle(randomIds, sessionId),
  cNonce: newHandle(randomIds, sessionId),
};
const request = {
  requestId: `${sessionId}.${randomIds.secret()}`,
  nonce: randomIds.secret(),
  state: randomIds.secret(),
  verifierClientId,
};
let clock = Date.now();
const step = () => {
  clock += 250;
  return { eventId: randomIds.eventId(), sessionId, at: clock };
};
const caller = { authSessionHash: hashSecret(secrets.authSession), dpopJkt: wallet.dpopJkt };

const script: Array<[string, Command]> = [
  [
    '4: authorization challenge (client_id, scope) → insufficient_authorization',
    {
      type: 'StartChallenge',
      ...step(),
      clientId: 'demo-wallet',
      scope: 'pid',
      credentialConfigurationIds: ['demo_pid_copy'],
      dpopJkt: wallet.dpopJkt,
      authSessionHash: caller.authSessionHash,
      request,
    },
  ],
  [
    '6: the wallet fetches the OpenID4VP request object',
    { type: 'RetrieveRequestObject', ...step(), requestId: request.requestId },
  ],
  [
    '7-9: the verifier accepts the presentation → presentation_during_issuance_session',
    {
      type: 'SubmitPresentation',
      ...step(),
      requestId: request.requestId,
      state: request.state,
      holderJkt: wallet.holderJkt,
      kbNonce: request.nonce,
      kbAud: verifierClientId,
      credentialDigest: hashSecret('demo PID presentation'),
      vct: 'urn:eudi:pid:1',
      credentialIssuer: 'https://pid.example',
      sealedClaims: 'demo-sealed-claims',
      pdisHash: hashSecret(secrets.pdis),
    },
  ],
  [
    '10-11: challenge with auth_session + pdis → authorization_code',
    {
      type: 'ContinueChallenge',
      ...step(),
      caller,
      endpoint: 'challenge',
      pdisHash: hashSecret(secrets.pdis),
      codeHash: hashSecret(secrets.code),
      retry: {
        authSessionHash: hashSecret(newHandle(randomIds, sessionId)),
        request: { ...request, requestId: `${sessionId}.${randomIds.secret()}` },
      },
    },
  ],
  [
    '12-13: token request (DPoP) → access token',
    {
      type: 'RedeemCode',
      ...step(),
      codeHash: hashSecret(secrets.code),
      dpopJkt: wallet.dpopJkt,
      tokenHash: hashSecret(secrets.token),
    },
  ],
  [
    '14: nonce endpoint → c_nonce',
    {
      type: 'BindCNonce',
      ...step(),
      tokenHash: hashSecret(secrets.token),
      dpopJkt: wallet.dpopJkt,
      nonceHash: hashSecret(secrets.cNonce),
    },
  ],
  [
    '14-15: credential request (proof with c_nonce) → credential',
    {
      type: 'IssueCredential',
      ...step(),
      tokenHash: hashSecret(secrets.token),
      dpopJkt: wallet.dpopJkt,
      credentialConfigurationId: 'demo_pid_copy',
      nonceHash: hashSecret(secrets.cNonce),
      holderJkts: [wallet.holderJkt],
      credentialDigests: [hashSecret('demo credential')],
    },
  ],
  [
    'attack: the same authorization code again → invalid_grant, grant revoked',
    {
      type: 'RedeemCode',
      ...step(),
      codeHash: hashSecret(secrets.code),
      dpopJkt: wallet.dpopJkt,
      tokenHash: hashSecret(newHandle(randomIds, sessionId)),
    },
  ],
];

console.log(`session ${sessionId} on ${join(dataDir, 'events.sqlite')}\n`);
for (const [title, command] of script) {
  const outcome = await engine.execute(command);
  const answer = isLeft(outcome)
    ? `refused: ${outcome.left.error.code} (${outcome.left.error.rule})`
    : `→ ${stateName(outcome.right.state)}`;
  console.log(`step ${title}\n    ${answer}`);
}
console.log('\nstored event log:');
for (const event of await store.read(sessionId)) {
  const { type, data, meta } = event;
  console.log(`  ${new Date(meta.at).toISOString()} v${meta.v} ${type} ${JSON.stringify(data).slice(0, 140)}`);
}
await store.close();
