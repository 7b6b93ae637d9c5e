import { spawn, type ChildProcess } from 'node:child_process';

/** `bin/start.ts` in a process of its own (in demo mode, as `npm start` runs it), resolved once it listens (env: PORT, PUBLIC_URL, DATA_DIR, NATS_URL…). */
export async function spawnIssuer(env: Record<string, string>, args: string[] = ['--demo']): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`issuer exited with ${code}`)));
  });
  return child;
}
