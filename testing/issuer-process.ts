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
    const onExit = (code: number | null) => reject(new Error(`issuer exited with ${code}`));
    // Once it listens, its stdout (one access-log line per request) is drained unread.
    const onData = (chunk: Buffer) => {
      if (!chunk.toString().includes('listening')) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return child;
}
