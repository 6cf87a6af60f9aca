/** drctl schema: the runbook JSON Schema, generated from the zod schema (runbooks/schema.json is its output). */
import { renderJsonSchema } from '../../runbook/json-schema.js';
import type { Output } from '../../report/output.js';
import { ExitCode } from '../../errors.js';

export async function schemaCommand(output: Output): Promise<number> {
  output.out(JSON.stringify(renderJsonSchema(), null, 2));
  return ExitCode.ok;
}
