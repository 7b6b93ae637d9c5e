import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/index.js';
import { openDemoPidIssuer } from '../../wallet/demo-pid-issuer.js';
import { tempDirs } from '../support/temp-dirs.js';
import { outputOf, run, startService, terminate, userEnv } from './package-support.js';

/**
 * Issue 12 §1 and §3: the package as a user gets it. The tarball `npm pack ./dist` makes is
 * installed in a fresh project (real npm, better-sqlite3 built from source), imported by plain
 * node, compiled against by a strict tsc, and served by every mount recipe in docs/recipes/
 * with a whole flow of the package's own reference wallet; a copy of the repository installs
 * for production (`npm ci --omit=dev`) and starts with `npm start`.
 */
const REPO = process.cwd();
const RECIPES = join(REPO, 'docs/recipes');
const HOSTS = ['express@5.2.1', 'fastify@5.3.0', 'hono@4.13.19', '@hono/node-server@1.19.19'];
const TOOLS = ['typescript@5.9.3', '@types/node@20.19.43'];
const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];
const SETUP_MS = 12 * 60_000;
/**
 * Libraries whose own .d.ts fail under `exactOptionalPropertyTypes` when `skipLibCheck` is false
 * (xstate's setup.d.ts, nats-core's MsgImpl and NatsConnectionImpl): our public types name them,
 * so an embedder's program includes them; they are not ours to fix.
 */
const UPSTREAM_DTS_FAILURES = ['node_modules/xstate/', 'node_modules/@nats-io/nats-core/'];

const dirs = tempDirs('pdi-package-');
afterAll(dirs.removeAll);

interface PackedFile {
  path: string;
  size: number;
}
let packed: { filename: string; size: number; unpackedSize: number; files: PackedFile[] };
let project: string;
let production: string;
let pidDir: string;
let trustedIssuersFile: string;
/** The demo PID provider's status list, served from the test process (the PIDs name it; E-50). */
let statusServer: Server;
let statusBaseUrl: string;
afterAll(() => statusServer && new Promise((resolve) => statusServer.close(resolve)));

/** `npm run build`, `npm pack ./dist`, and a fresh embedder project that installs the tarball. */
async function packAndInstall(root: string): Promise<void> {
  await run('npm', ['run', 'build', '--silent'], REPO);
  const [pack] = JSON.parse(await run('npm', ['pack', './dist', '--pack-destination', root, '--json'], REPO)) as [
    typeof packed,
  ];
  packed = pack;
  project = join(root, 'project');
  mkdirSync(project);
  // npm 11 runs a dependency's install script only when the project allows it: better-sqlite3 builds its binding.
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'embedder', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }),
  );
  await run('npm', [...INSTALL, join(root, pack.filename), ...HOSTS, ...TOOLS], project);
}

/** The committed repository (`git archive HEAD`), installed for production: `npm ci --omit=dev` builds the package (prepare). */
async function installForProduction(root: string): Promise<void> {
  production = join(root, 'production');
  mkdirSync(production);
  await run('sh', ['-c', `git archive HEAD | tar -x -C '${production}'`], REPO);
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], production);
}

/** The embedder's tsc over `tsconfig.json` (it emits despite errors): the files it reports errors in. */
async function compile(cwd: string): Promise<string[]> {
  const tsc = [join(cwd, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'];
  const output = await outputOf(process.execPath, tsc, cwd);
  return [...output.matchAll(/^(\S+?)\(\d+,\d+\): error TS\d+/gm)].map((match) => match[1]!);
}

beforeAll(async () => {
  const root = dirs.make();
  const started = performance.now();
  await Promise.all([packAndInstall(root), installForProduction(root)]);
  console.log(
    `package test setup (pack + embedder install ∥ production install): ${Math.round((performance.now() - started) / 1000)} s`,
  );
  pidDir = join(root, 'pid-provider');
  const statusPort = await freePort();
  statusBaseUrl = `http://127.0.0.1:${statusPort}`;
  const pidIssuer = await openDemoPidIssuer(pidDir, statusBaseUrl);
  statusServer = createServer(async (request, response) => {
    const token = request.url?.endsWith('/status/0') && (await pidIssuer.statusList(0, Date.now()));
    if (!token) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/statuslist+jwt' }).end(token);
  }).listen(statusPort, '127.0.0.1');
  trustedIssuersFile = join(root, 'trusted-issuers.json');
  writeFileSync(
    trustedIssuersFile,
    JSON.stringify({ issuers: [{ issuer: pidIssuer.issuer, jwks: { keys: [pidIssuer.publicJwk] } }] }),
  );
  copyFileSync(join(REPO, 'test/package/wallet-flow.mjs'), join(project, 'wallet-flow.mjs'));
}, SETUP_MS);

describe('the packed package (issue 12 §1)', () => {
  it('issue 12 §1: the tarball holds compiled code only: no TypeScript source but .d.ts, nothing of test/ or bench/', () => {
    const paths = packed.files.map((file) => file.path);
    console.log(
      `tarball ${packed.filename}: ${paths.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked`,
    );
    expect(paths.filter((path) => /\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path))).toEqual([]);
    expect(paths.filter((path) => /^(test|bench|scripts|node_modules)\//.test(path))).toEqual([]);
    expect(paths).toContain('package.json');
    expect(paths).toContain('README.md');
  });

  it('issue 12 §1: every exports and bin target of the manifest is in the tarball', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/pdi-engine/package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
      bin: Record<string, string>;
    };
    const targets = Object.values(manifest.exports).flatMap((target) =>
      typeof target === 'string' ? [target] : Object.values(target),
    );
    const paths = new Set(packed.files.map((file) => `./${file.path}`));
    expect([...targets, ...Object.values(manifest.bin)].filter((target) => !paths.has(target))).toEqual([]);
  });

  it("issue 12 §1: the embedder's install builds better-sqlite3 (allowScripts)", () => {
    expect(existsSync(join(project, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });

  it('issue 12 §1, issue 17 §2: plain node imports the entry points pdi-engine, /engine, /wallet, /testing and /conformance', async () => {
    const script = `Promise.all(['pdi-engine', 'pdi-engine/engine', 'pdi-engine/wallet', 'pdi-engine/testing', 'pdi-engine/conformance'].map((name) => import(name)))
      .then(([main, engine, wallet, testing, conformance]) => console.log(JSON.stringify([typeof main.createIssuer, typeof main.sqlitePreset, typeof engine.decide, typeof wallet.ReferenceWallet, typeof testing.describeEventStoreContract, typeof conformance.runKit, typeof conformance.runModelFuzz])))`;
    expect(JSON.parse(await run(process.execPath, ['-e', script], project, userEnv()))).toEqual(
      Array(7).fill('function'),
    );
  });

  it('issue 12 §1: a path outside the exports map is refused (ERR_PACKAGE_PATH_NOT_EXPORTED)', async () => {
    const script = `import('pdi-engine/adapters/keys/keyring.js').then(() => console.log('imported'), (error) => console.log(error.code))`;
    expect((await run(process.execPath, ['-e', script], project)).trim()).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it("issue 12 §1: the embedder's strict tsc (skipLibCheck false, exactOptionalPropertyTypes) finds no error in our .d.ts or the embedder's code, and the program runs", async () => {
    copyFileSync(join(REPO, 'test/package/embedder.ts'), join(project, 'embedder.ts'));
    copyFileSync(join(REPO, 'test/package/embedder.tsconfig.json'), join(project, 'tsconfig.json'));
    const errors = (await compile(project)).filter(
      (file) => !UPSTREAM_DTS_FAILURES.some((dir) => file.startsWith(dir)),
    );
    expect(errors).toEqual([]);
    const result = JSON.parse(await run(process.execPath, ['embedder.js', join(project, 'embedder-data')], project));
    expect(result).toEqual({
      status: 200,
      credentialIssuer: 'http://127.0.0.1:8080/embedded',
      walletApi: 'function',
      contractApi: 'function',
    });
  });
});

describe('the mount recipes in docs/recipes (issue 12 §3)', () => {
  for (const recipe of readdirSync(RECIPES).filter((file) => file.endsWith('.mjs'))) {
    it(`issue 12 §3: recipe ${recipe} serves a whole flow of the reference wallet under /oid4vci, the site-root well-known paths, and stops on SIGTERM with 0`, async () => {
      copyFileSync(join(RECIPES, recipe), join(project, recipe));
      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      const publicUrl = `${origin}/oid4vci`;
      const env = userEnv({
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        DATA_DIR: dirs.make(),
        TRUSTED_ISSUERS_FILE: trustedIssuersFile,
      });
      const service = await startService(process.execPath, [recipe], project, env);
      try {
        // RFC 8414 §3.1 / OpenID4VCI §12.2.2: the well-known name goes between the host and the issuer's path.
        const metadata = await fetch(`${origin}/.well-known/openid-credential-issuer/oid4vci`);
        expect(metadata.status).toBe(200);
        expect(((await metadata.json()) as { credential_issuer: string }).credential_issuer).toBe(publicUrl);
        const authorizationServer = await fetch(`${origin}/.well-known/oauth-authorization-server/oid4vci`);
        expect(((await authorizationServer.json()) as { issuer: string }).issuer).toBe(publicUrl);
        const vcIssuer = (await (await fetch(`${origin}/.well-known/jwt-vc-issuer/oid4vci`)).json()) as {
          issuer: string;
          jwks: JSONWebKeySet;
        };
        expect(vcIssuer.issuer).toBe(publicUrl);

        const flow = JSON.parse(
          await run(process.execPath, ['wallet-flow.mjs', publicUrl, pidDir, statusBaseUrl], project),
        ) as {
          credential: string;
        };
        const { payload } = await jwtVerify(flow.credential.split('~')[0]!, createLocalJWKSet(vcIssuer.jwks));
        expect(payload.iss).toBe(publicUrl);
        expect(payload.vct).toBe('urn:example:membership:1');
      } finally {
        expect(await terminate(service)).toBe(0);
      }
    });
  }
});

describe('the production install (issue 12 §1)', () => {
  it('issue 12 §1: `npm ci --omit=dev && npm start` on a clean copy of the repository serves the metadata and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const service = await startService(
      'npm',
      ['start'],
      production,
      userEnv({ PORT: String(port), DATA_DIR: join(production, 'data') }),
    );
    try {
      expect(service.output()).toContain('listening on');
      const metadata = await fetch(`http://127.0.0.1:${port}/.well-known/openid-credential-issuer`);
      expect(metadata.status).toBe(200);
      expect(((await metadata.json()) as { credential_issuer: string }).credential_issuer).toBe(
        `http://localhost:${port}`,
      );
    } finally {
      expect(await terminate(service)).toBe(0);
    }
  });
});
