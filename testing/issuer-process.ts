import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The start command beside this module: compiled JavaScript in the package, TypeScript (through tsx) in the repository. */
const START = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../bin/start.ts' : '../bin/start.js', import.meta.url),
);
const RUN_START = START.endsWith('.ts') ? ['--import', 'tsx', START] : [START];

/** The start command in a process of its own (in demo mode, as `npm start` runs it), resolved once it listens (env: PORT, PUBLIC_URL, DATA_DIR, NATS_URL…). */
export async function spawnIssuer(env: Record<string, string>, args: string[] = ['--demo']): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...RUN_START, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`issuer exited with ${code}`)));
  });
  return child;
}
