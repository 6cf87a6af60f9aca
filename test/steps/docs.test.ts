import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStepKindDocs } from '../../src/steps/docs.js';
import { STEP_KINDS } from '../../src/steps/registry.js';

const DOC = new URL('../../docs/step-kinds.md', import.meta.url);

describe('docs/step-kinds.md', () => {
  it('documents every registered step kind with its parameters', () => {
    const doc = renderStepKindDocs();
    for (const kind of STEP_KINDS) expect(doc).toContain(`## ${kind.kind}\n`);
    expect(doc).toContain('| `message` | string | yes |');
  });

  it('is current (generated from the registry)', () => {
    const expected = renderStepKindDocs();
    // Regenerate with: UPDATE_DOCS=1 npx vitest run test/steps/docs.test.ts
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8'), 'docs/step-kinds.md is out of date: run `UPDATE_DOCS=1 npx vitest run test/steps/docs.test.ts` and commit it').toBe(expected);
  });
});
