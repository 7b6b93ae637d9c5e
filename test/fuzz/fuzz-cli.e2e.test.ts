import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fuzz = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/fuzz.ts', ...args], { encoding: 'utf8' }).catch(
    (error: { code: number; stderr: string }) => error,
  );

/** Issue 17 §1: `npm run fuzz` parses its arguments strictly instead of ignoring what it does not know. */
describe('the fuzz CLI', () => {
  it.each([
    [['--url', 'http://issuer.example'], "Unknown option '--url'"],
    [['--count'], "Option '--count <value>' argument missing"],
    [['--count', 'abc'], '--count must be a whole number, not "abc"'],
    [['--seed', '-1'], "Option '--seed' argument is ambiguous"],
  ])('issue 17 §1: %j is one readable line and exit code 2, nothing fuzzed', async (args, message) => {
    const failed = await fuzz(args);
    expect('code' in failed && [failed.code, failed.stderr.trim().split('\n')[0]]).toEqual([
      2,
      expect.stringContaining(message),
    ]);
  });
});
