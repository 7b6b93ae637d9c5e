import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('npm start: the scripted flow completes on a SQLite file and the replayed code is refused', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pdi-demo-'));
  try {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'bin/engine-demo.ts'], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(output).toContain('→ completed');
    expect(output).toContain('refused: invalid_grant');
    expect(output.match(/ v2 \w+/g)?.map((s) => s.slice(4))).toEqual([
      'ChallengeReceived',
      'RequestObjectRetrieved',
      'PresentationVerified',
      'AuthorizationCodeIssued',
      'TokenIssued',
      'CNonceBound',
      'CredentialIssued',
      'GrantRevoked',
    ]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
