import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../docs/conformance-library.md', import.meta.url), 'utf8');

/** An example test as the doc shows it: imported from the package's entry points. */
function asDocumented(file: string): string {
  return readFileSync(new URL(`examples/${file}`, import.meta.url), 'utf8')
    .replaceAll("'../../../conformance/index.js'", "'pdi-engine/conformance'")
    .replaceAll("'../../../testing/index.js'", "'pdi-engine/testing'");
}

describe('docs/conformance-library.md: its examples are the tests the suite runs (issue 17 §2)', () => {
  it.each(['own-issuer.test.ts', 'own-wallet.test.ts'])('shows examples/%s exactly', (file) => {
    expect(doc).toContain(`\`\`\`ts\n${asDocumented(file)}\`\`\``);
  });
});
