import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configurationReference, REFERENCE_FILE, undescribedKeys } from '../../scripts/config-reference.js';

describe('the configuration reference (issue 12 §6)', () => {
  it('docs/configuration.md is what `npm run docs:config` writes now (regenerate it after changing the schema)', () => {
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(configurationReference());
  });

  it('every configuration key, nested ones included, has a description in the schema', () => {
    expect(undescribedKeys()).toEqual([]);
  });

  it('finds a key without a description at any depth: in an object, an array entry, a record entry', () => {
    const schema = z.strictObject({
      described: z.boolean().describe('yes'),
      outer: z
        .strictObject({ inner: z.number(), list: z.array(z.strictObject({ item: z.string() })).describe('list') })
        .describe('outer'),
      byId: z.record(z.string(), z.strictObject({ entry: z.string() })),
    });
    expect(undescribedKeys(schema)).toEqual(['outer.inner', 'outer.list[].item', 'byId', 'byId.<id>.entry']);
  });
});
