/**
 * The `fsx-lustre` resource: a Lustre file system per side, each linked to its own bucket through data repository
 * associations (DRAs), with two-way S3 replication between the buckets (aws-reference.md §2, §6.2). The DR file
 * system may exist already, or be created at recovery time from `create` ("pilot light").
 */
import { z } from 'zod';
import { BUCKET_NAME, FSX_ID, REGION, durationSchema, nameSchema, roleArnSchema } from '../common.js';
import { replicationSettingsShape } from './s3.js';

const eventsSchema = z
  .array(z.enum(['NEW', 'CHANGED', 'DELETED']))
  .max(3)
  .describe('Any of NEW, CHANGED, DELETED; `[]` turns the policy off.');

export const associationSchema = z
  .object({
    fileSystemPath: z
      .string()
      .startsWith('/', 'a file system path starts with /')
      .max(4096)
      .describe('Directory on Lustre linked to the bucket, e.g. /data. `/` links the whole file system (then it is the only association).')
      .meta({ examples: ['/data'] }),
    bucket: z
      .string()
      .regex(BUCKET_NAME, 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)')
      .describe('The linked bucket, in the account of this side.')
      .meta({ examples: ['lustre-prod-us-east-1'] }),
    prefix: z
      .string()
      .default('')
      .describe('Key prefix in the bucket, ending with `/`, e.g. `data/`. Default: the whole bucket. Both sides use the same prefix (replication keeps keys).')
      .meta({ examples: ['data/'] }),
    region: z
      .string()
      .regex(REGION, 'expected an AWS region such as us-east-1')
      .optional()
      .describe("Region of the bucket. Default: the side's region. Auto-import needs the bucket in the file system's region."),
    autoImport: eventsSchema.default(['NEW', 'CHANGED', 'DELETED']).describe('Auto-import events (bucket → Lustre). Default all three.'),
    autoExport: eventsSchema.default(['NEW', 'CHANGED', 'DELETED']).describe('Auto-export events (Lustre → bucket). Default all three.'),
  })
  .strict();

export const lustreCreateSchema = z
  .object({
    subnetId: z.string().min(1).describe('The one subnet the file system is created in.').meta({ examples: ['subnet-0123456789abcdef0'] }),
    securityGroupIds: z.array(z.string()).default([]).describe('Security groups of the file system network interfaces. Default none.'),
    storageCapacity: z
      .number()
      .int()
      .min(1200)
      .default(1200)
      .describe('GiB: 1200, 2400, then multiples of 2400 (SSD). Default 1200.'),
    deploymentType: z
      .enum(['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2'])
      .default('PERSISTENT_2')
      .describe('Lustre deployment type. DRAs need anything but SCRATCH_1. Default PERSISTENT_2.'),
    perUnitStorageThroughput: z
      .number()
      .int()
      .default(125)
      .describe('MB/s per TiB, persistent types only: PERSISTENT_2 125, 250, 500 or 1000; PERSISTENT_1 50, 100 or 200. Default 125.'),
    fileSystemTypeVersion: z
      .enum(['2.10', '2.12', '2.15'])
      .default('2.15')
      .describe('Lustre version. DRAs need 2.12 or 2.15. Default 2.15.'),
    dataCompressionType: z.enum(['NONE', 'LZ4']).optional().describe('Data compression. Default: none.'),
    kmsKeyId: z.string().optional().describe('KMS key for encryption at rest (persistent types). Default: the FSx service key.'),
    tags: z.record(z.string(), z.string()).default({}).describe('Extra tags; drctl adds its own drctl:* tags to find the file system again.'),
    deleteOnFailback: z
      .boolean()
      .default(false)
      .describe('Delete this pilot-light file system at the end of failback (after a confirmation). Default false: it is kept.'),
  })
  .strict();

export const lustreSideSchema = z
  .object({
    account: nameSchema.describe('Name of an entry under `accounts`.').meta({ examples: ['prod'] }),
    region: z
      .string()
      .regex(REGION, 'expected an AWS region such as us-east-1')
      .optional()
      .describe("Region of the file system; defaults to the account's region."),
    fileSystemId: z
      .string()
      .regex(FSX_ID, 'expected an FSx file system id: fs- followed by hex digits')
      .optional()
      .describe('The existing file system. Omit it (and give `create`) for a pilot-light DR side.')
      .meta({ examples: ['fs-0123456789abcdef0'] }),
    create: lustreCreateSchema
      .optional()
      .describe('Pilot light (secondary only): create the file system at recovery time with these parameters.'),
    associations: z
      .array(associationSchema)
      .min(1)
      .describe('Data repository associations (at most 8, no overlapping paths). Both sides link the same file system paths.'),
  })
  .strict();

export const fsxLustreResourceSchema = z
  .object({
    type: z.literal('fsx-lustre'),
    description: z.string().optional().describe('Free text shown in plans and reports.'),
    primary: lustreSideSchema.describe('The production file system and its buckets.'),
    secondary: lustreSideSchema.describe('The DR file system (existing or pilot light) and its buckets.'),
    replication: z
      .object({
        ...replicationSettingsShape,
        reverseRoleArn: roleArnSchema.describe(
          'Role S3 assumes to replicate secondary bucket → primary bucket. It lives in the secondary account.',
        ),
      })
      .strict()
      .describe('Two-way replication between each pair of linked buckets (rules drctl owns; other rules are kept).'),
    rpo: durationSchema.default('15m').describe('Recovery point objective: the largest replication lag accepted at failover. Default 15m.'),
    rto: durationSchema.default('1h').describe('Recovery time objective. Default 1h.'),
  })
  .strict();
export type FsxLustreResource = z.infer<typeof fsxLustreResourceSchema>;
export type LustreSide = z.infer<typeof lustreSideSchema>;
export type LustreAssociation = z.infer<typeof associationSchema>;
export type LustreCreate = z.infer<typeof lustreCreateSchema>;
