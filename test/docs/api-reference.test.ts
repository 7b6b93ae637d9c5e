import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPEDOC = fileURLToPath(new URL('../../node_modules/typedoc/bin/typedoc', import.meta.url));

// Issue 12 §6: typedoc.json has validation on and treats warnings as errors, so this fails on a
// type the public API refers to but no entry point exports, or on a broken {@link}.
it('the API reference builds without a warning: every type the entry points refer to is exported (issue 12 §6)', async () => {
  const run = await promisify(execFile)(process.execPath, [TYPEDOC, '--emit', 'none'], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout}${error.stderr}` }),
  );
  expect(run.output).not.toMatch(/\[(warning|error)\]/);
  expect(run.ok, run.output).toBe(true);
}, 240_000);
