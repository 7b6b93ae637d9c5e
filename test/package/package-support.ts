import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The environment of a command the package test runs as a user would: without what the test
 * runner or an outer `npm run` put there (loaders in NODE_OPTIONS, npm_* settings).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith('npm_') && !name.startsWith('VITEST') && name !== 'NODE_OPTIONS') env[name] = value;
  return { ...env, ...extra };
}

/** Run a command to its end in `cwd`; its stdout, or an error carrying its stderr. */
export async function run(command: string, args: string[], cwd: string, env = userEnv()): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}\n${stdout ?? ''}`.slice(-8000));
  }
}

/** Run a command to its end in `cwd` and return its whole stdout, whatever its exit code (a compiler's report). */
export async function outputOf(command: string, args: string[], cwd: string): Promise<string> {
  return promisify(execFile)(command, args, { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
}

export interface Service {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  output: () => string;
}

/** Start a long-running command; resolves once a stdout line contains `listening` (rejects if it exits first or takes over `timeoutMs`). */
export async function startService(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<Service> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited with ${code} before listening:\n${output}`));
    });
  });
  return { child, exited, output: () => output };
}

/** SIGTERM, then the exit code (SIGKILL after `graceMs`, so a hung process cannot outlive the test). */
export async function terminate(service: Service, graceMs = 20_000): Promise<number | null> {
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
  const code = await service.exited;
  clearTimeout(timer);
  return code;
}
