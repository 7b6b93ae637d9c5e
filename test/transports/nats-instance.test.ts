import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const PRINT = `import { loadConfig } from './config/load.ts';
console.log(loadConfig({}, { nats: { url: 'nats://127.0.0.1:4222', allowUnauthenticated: true } }).nats.instance);`;

it('issue 16 §5: two engine processes on one host get different instance names by default (host name and a random suffix)', async () => {
  const names = await Promise.all(
    [1, 2].map(async () =>
      (await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PRINT])).stdout.trim(),
    ),
  );
  for (const name of names)
    expect(name).toMatch(new RegExp(`^${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{8}$`));
  expect(names[0]).not.toBe(names[1]);
});
