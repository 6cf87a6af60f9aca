/**
 * The JSON Schema of the runbook format (draft 2020-12), generated from the zod schema so editors complete and
 * check runbooks. `drctl schema` prints it; runbooks/schema.json is the committed copy (a test keeps it current).
 */
import { z } from 'zod';
import { retrySchema } from './common.js';
import { efsSideSchema } from './resources/efs.js';
import { associationSchema, lustreSideSchema } from './resources/fsx-lustre.js';
import { bucketSideSchema } from './resources/s3.js';
import { accountSchema, procedureSchema, runbookSchema, stepSchema } from './schema.js';

/**
 * Schemas used in several places get a readable name under $defs (instead of being inlined many times: every
 * procedure holds every step kind). Named here, not with `.meta({ id })`, so the global zod registry stays free
 * of ids that would clash when modules are loaded twice.
 */
function namedDefinitions(): Map<z.core.$ZodType, string> {
  const names = new Map<z.core.$ZodType, string>([
    [accountSchema, 'Account'],
    [procedureSchema, 'Procedure'],
    [stepSchema, 'Step'],
    [retrySchema, 'RetryPolicy'],
    [efsSideSchema, 'EfsSide'],
    [lustreSideSchema, 'LustreSide'],
    [associationSchema, 'DataRepositoryAssociation'],
    [bucketSideSchema, 'BucketSide'],
  ]);
  for (const option of stepSchema.options) {
    const kind = (option.shape.uses as unknown as { value: string }).value;
    names.set(option, `Step_${kind.replace(/[^A-Za-z0-9]+/g, '_')}`);
  }
  return names;
}

/** A metadata registry that answers like the global one, plus `id` for the named definitions. */
function registryWithNames(): z.core.$ZodRegistry<Record<string, unknown>> {
  const names = namedDefinitions();
  const registry = z.registry<Record<string, unknown>>();
  registry.get = (schema) => {
    const meta = z.globalRegistry.get(schema) as Record<string, unknown> | undefined;
    const id = names.get(schema);
    return id === undefined ? meta : { ...meta, id };
  };
  return registry;
}

export function renderJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(runbookSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'ref',
    metadata: registryWithNames(),
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'drctl runbook', ...rest };
}

/** The committed file's exact text: pretty, two-space indent, trailing newline. */
export function renderJsonSchemaText(): string {
  return `${JSON.stringify(renderJsonSchema(), null, 2)}\n`;
}
