/** The shipped example runbook (runbooks/efs-prod.yaml), parsed, for seeding tests. */
import { readFileSync } from 'node:fs';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Runbook } from '../../src/runbook/schema.js';

export function exampleRunbook(): Runbook {
  const result = parseRunbook(readFileSync('runbooks/efs-prod.yaml', 'utf8'), 'runbooks/efs-prod.yaml');
  if (!result.ok) throw new Error(`example runbook invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.runbook;
}
