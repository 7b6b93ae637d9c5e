/**
 * `npm run build` [-- --clean]: compile the package into dist/ (incremental: a build without
 * changes only checks timestamps) and write what makes dist/ the published package: its
 * package.json (scripts/package-manifest.mjs), README, LICENSE and the shipped NATS permission
 * layout. `--clean` starts from nothing (packing does, so no output of a deleted source ships).
 * Plain JavaScript, so it runs where only the production dependencies are installed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, packageManifest } from './package-manifest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const buildInfo = join(root, 'build.tsbuildinfo');

// The build info says what is up to date in dist/: without dist/ (or with --clean) it is stale.
if (process.argv.includes('--clean')) rmSync(dist, { recursive: true, force: true });
if (!existsSync(join(dist, 'index.js'))) rmSync(buildInfo, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '--build', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const manifest = packageManifest(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
writeFileSync(join(dist, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const file of ['README.md', 'LICENSE'])
  if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dist, file));
// `startNatsServer` (pdi-engine/testing) runs nats-server with the shipped permission layout.
mkdirSync(join(dist, 'deploy'), { recursive: true });
copyFileSync(join(root, 'deploy/nats-server.conf'), join(dist, 'deploy/nats-server.conf'));
for (const script of Object.values(COMMANDS)) chmodSync(join(dist, script), 0o755);
