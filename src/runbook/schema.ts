/**
 * The runbook format, as a zod schema. It is the documentation: every field is described, and
 * runbooks/schema.json is generated from it (`drctl schema`; a test fails when the committed copy is stale).
 */
import { z } from 'zod';
import { ACCOUNT_ID, REGION, durationSchema, nameSchema, retrySchema, roleArnSchema } from './common.js';
import { efsResourceSchema } from './resources/efs.js';
import { fsxLustreResourceSchema } from './resources/fsx-lustre.js';
import { s3ResourceSchema } from './resources/s3.js';
import { STEP_KINDS } from '../steps/registry.js';
import type { AnyStepKind } from '../steps/types.js';

export const RUNBOOK_VERSION = 1;

export const accountSchema = z
  .object({
    id: z
      .string()
      .regex(ACCOUNT_ID, 'expected a 12-digit AWS account id (quote it in YAML so leading zeros survive)')
      .describe('The 12-digit account id. drctl refuses to act when the credentials belong to another account.')
      .meta({ examples: ['111111111111'] }),
    region: z
      .string()
      .regex(REGION, 'expected an AWS region such as us-east-1')
      .describe("The account's region for this runbook.")
      .meta({ examples: ['us-east-1'] }),
    roleArn: roleArnSchema
      .optional()
      .describe('Role drctl assumes in this account. Omit to use the base credentials directly.'),
    externalId: z.string().min(2).max(1224).optional().describe('External id required by the role trust policy.'),
    profile: z.string().optional().describe('AWS profile for the base credentials of this account (default: --profile or the standard chain).'),
  })
  .strict();

const stepEnvelope = {
  id: nameSchema.describe('Step id, unique within the procedure.').meta({ examples: ['promote'] }),
  needs: z
    .array(nameSchema)
    .optional()
    .describe('Steps that must finish first. Omitted: the previous step in the list. `[]`: none (runs in parallel).'),
  timeout: durationSchema.optional().describe("How long the step may wait for AWS. Default: the step kind's own."),
  retry: retrySchema.optional(),
};

function stepSchemaFor(kind: AnyStepKind) {
  return z
    .object({
      ...stepEnvelope,
      uses: z.literal(kind.kind).describe(kind.summary),
      with: (kind.params as z.ZodType).optional().describe(`Parameters of ${kind.kind}.`),
    })
    .strict()
    .describe(`${kind.kind}: ${kind.summary}`);
}

const [firstKind, ...otherKinds] = STEP_KINDS;
if (!firstKind) throw new Error('step registry is empty');
export const stepSchema = z.discriminatedUnion('uses', [stepSchemaFor(firstKind), ...otherKinds.map(stepSchemaFor)]);
export type StepSpec = z.infer<typeof stepSchema>;

export const procedureSchema = z.array(stepSchema).min(1);

const procedures = {
  failover: procedureSchema.optional().describe('Failover steps. Omitted: the standard procedure for the resource type (see `drctl plan`).'),
  failback: z
    .union([
      procedureSchema,
      z
        .object({ preserve: procedureSchema.optional(), discard: procedureSchema.optional() })
        .strict()
        .describe('Separate procedures for --mode preserve and --mode discard.'),
    ])
    .optional()
    .describe('Failback steps (for every mode, or per mode). Omitted: the standard procedure.'),
};

export const resourceSchema = z.discriminatedUnion('type', [
  efsResourceSchema.extend(procedures),
  fsxLustreResourceSchema.extend(procedures),
  s3ResourceSchema.extend(procedures),
]);
export type Resource = z.infer<typeof resourceSchema>;
export type ResourceType = Resource['type'];
export type Side = 'primary' | 'secondary';

export const runbookSchema = z
  .object({
    version: z.literal(RUNBOOK_VERSION).describe('Runbook format version. Always 1.'),
    name: nameSchema.optional().describe('Runbook name, used for locks and state. Default: the file name.'),
    description: z.string().optional(),
    accounts: z.record(nameSchema, accountSchema).describe('Named AWS accounts.'),
    filesystems: z
      .record(nameSchema, resourceSchema)
      .describe('Protected resources by name: the name is what `--fs` selects.'),
    settings: z
      .object({
        parallel: z.number().int().min(1).max(256).default(8).describe('Resources processed at once (default 8; --parallel overrides).'),
        pollInterval: durationSchema.default('15s').describe('How often waits re-observe AWS. Default 15s.'),
      })
      .strict()
      .default({ parallel: 8, pollInterval: '15s' }),
  })
  .strict()
  .describe('A drctl runbook: accounts, protected resources and their failover/failback procedures.');

export type Runbook = z.infer<typeof runbookSchema>;
export type Account = z.infer<typeof accountSchema>;
