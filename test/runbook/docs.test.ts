import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderRunbookDocs, renderRunbookDocsInto } from '../../src/runbook/docs.js';
import { RULES } from '../../src/runbook/rules/index.js';

const DOC = fileURLToPath(new URL('../../docs/runbook-format.md', import.meta.url));

describe('runbook format documentation', () => {
  it('has a table row for every field, with its default', () => {
    const docs = renderRunbookDocs();
    expect(docs).toContain('| `<side>.fileSystemId` | string | yes |  | EFS file system id. |');
    expect(docs).toContain('| `rpo` | duration |  | `"15m"` |');
    expect(docs).toContain('| `accounts` | mapping: name → account | yes |');
  });

  it('lists every rule code', () => {
    const docs = renderRunbookDocs();
    for (const rule of RULES) expect(docs).toContain(`| \`${rule.code}\` | ${rule.severity ?? 'error'} |`);
  });

  it('is current in docs/runbook-format.md', () => {
    const committed = readFileSync(DOC, 'utf8');
    const expected = renderRunbookDocsInto(committed);
    // Regenerate with: UPDATE_DOCS=1 npx vitest run test/runbook/docs.test.ts
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    expect(
      readFileSync(DOC, 'utf8') === expected,
      'docs/runbook-format.md is out of date: run `UPDATE_DOCS=1 npx vitest run test/runbook/docs.test.ts` and commit it',
    ).toBe(true);
  });
});
