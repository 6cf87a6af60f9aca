import { z } from 'zod';
import { EFS_ID, durationSchema, nameSchema, roleArnSchema } from '../common.js';

export const efsSideSchema = z
  .object({
    account: nameSchema.describe('Name of an entry under `accounts`.').meta({ examples: ['prod'] }),
    fileSystemId: z
      .string()
      .regex(EFS_ID, 'expected an EFS file system id: fs- followed by 8 to 40 hex digits')
      .describe('EFS file system id.')
      .meta({ examples: ['fs-0123456789abcdef0'] }),
    region: z.string().optional().describe("Region of the file system; defaults to the account's region."),
  })
  .strict();

export const efsResourceSchema = z
  .object({
    type: z.literal('efs'),
    description: z.string().optional().describe('Free text shown in plans and reports.'),
    primary: efsSideSchema.describe('The production side: the replication source in normal operation.'),
    secondary: efsSideSchema.describe('The DR side: the replication destination in normal operation.'),
    replication: z
      .object({
        roleArn: roleArnSchema
          .optional()
          .describe(
            'Role in the primary account that EFS uses to replicate primary → secondary. Required when the sides are in different accounts.',
          ),
        reverseRoleArn: roleArnSchema
          .optional()
          .describe(
            'Role in the secondary account that EFS uses to replicate secondary → primary during failback. Required when the sides are in different accounts.',
          ),
      })
      .strict()
      .default({})
      .describe('Replication settings.'),
    rpo: durationSchema.default('15m').describe('Recovery point objective: the largest replication lag accepted at failover. Default 15m.'),
    rto: durationSchema.default('1h').describe('Recovery time objective: how long failover may take until the DR side is usable. Default 1h.'),
    mountTargets: z
      .object({
        minAvailabilityZones: z
          .number()
          .int()
          .min(1)
          .default(2)
          .describe('DR mount targets must be available in at least this many AZs (Regional file systems). Default 2.'),
        availabilityZones: z
          .array(z.string())
          .optional()
          .describe('Exact AZ names that must have an available DR mount target; overrides minAvailabilityZones.'),
      })
      .strict()
      .default({ minAvailabilityZones: 2 })
      .describe('What "DR mount targets ready" means for the preflight.'),
    canary: z
      .object({
        primaryPath: z.string().optional().describe('Directory on a drill host where the primary file system is mounted.'),
        secondaryPath: z.string().optional().describe('Directory on a drill host where the DR file system is mounted.'),
      })
      .strict()
      .optional()
      .describe('Mount paths used by drills to write and read a canary file.'),
  })
  .strict();
export type EfsResource = z.infer<typeof efsResourceSchema>;
