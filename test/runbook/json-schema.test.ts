import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderJsonSchema, renderJsonSchemaText } from '../../src/runbook/json-schema.js';

const COMMITTED = fileURLToPath(new URL('../../runbooks/schema.json', import.meta.url));

describe('runbook JSON Schema', () => {
  it('is a draft 2020-12 schema with descriptions, defaults and examples', () => {
    const schema = renderJsonSchema();
    const text = JSON.stringify(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'accounts', 'filesystems']));
    expect(text).toContain('"description":"Named AWS accounts."');
    expect(text).toContain('"examples":["111111111111"]');
    expect(text).toContain('"default":"15m"');
  });

  it('makes defaulted fields optional (input side of the schema)', () => {
    const schema = renderJsonSchema() as { required: string[] };
    expect(schema.required).not.toContain('settings');
  });

  it('defines each step kind once and refers to it from every procedure', () => {
    const schema = renderJsonSchema() as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['Step', 'Procedure', 'Account', 'Step_approval', 'Step_exec']));
    expect(JSON.stringify(schema)).not.toContain('__schema');
  });

  it('matches the committed runbooks/schema.json', () => {
    const expected = renderJsonSchemaText();
    // Regenerate with: UPDATE_SCHEMA=1 npx vitest run test/runbook/json-schema.test.ts
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(COMMITTED, expected);
    const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
    expect(
      committed === expected,
      'runbooks/schema.json is out of date: run `node bin/drctl.js schema > runbooks/schema.json` ' +
        '(or `UPDATE_SCHEMA=1 npx vitest run test/runbook/json-schema.test.ts`) and commit it',
    ).toBe(true);
  });
});
