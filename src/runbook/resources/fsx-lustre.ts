import { z } from 'zod';
import { BUCKET_NAME, FSX_ID, durationSchema, nameSchema, roleArnSchema } from '../common.js';

const eventsSchema = z.array(z.enum(['NEW', 'CHANGED', 'DELETED'])).max(3);

export const associationSchema = z
  .object({
    fileSystemPath: z.string().startsWith('/', 'a file system path starts with /').describe('Directory on Lustre, e.g. /data.'),
    bucket: z.string().regex(BUCKET_NAME, 'expected an S3 bucket name').describe('The linked bucket, in the same region.'),
    prefix: z.string().default('').describe('Prefix in the bucket, e.g. `data/`. Default: the whole bucket.'),
    autoImport: eventsSchema.default(['NEW', 'CHANGED', 'DELETED']).describe('Auto-import events. Default all three.'),
    autoExport: eventsSchema.default(['NEW', 'CHANGED', 'DELETED']).describe('Auto-export events. Default all three.'),
  })
  .strict();

export const lustreCreateSchema = z
  .object({
    subnetId: z.string().describe('The one subnet the file system is created in.'),
    securityGroupIds: z.array(z.string()).default([]),
    storageCapacity: z.number().int().min(1200).default(1200).describe('GiB: 1200, 2400, then multiples of 2400.'),
    deploymentType: z.enum(['SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2']).default('PERSISTENT_2'),
    perUnitStorageThroughput: z.number().int().default(125),
    fileSystemTypeVersion: z.enum(['2.12', '2.15']).default('2.15'),
  })
  .strict();

export const lustreSideSchema = z
  .object({
    account: nameSchema.describe('Name of an entry under `accounts`.'),
    region: z.string().optional(),
    fileSystemId: z.string().regex(FSX_ID, 'expected an FSx file system id: fs- followed by hex digits').optional(),
    create: lustreCreateSchema.optional().describe('Pilot light: create the file system at recovery time with these parameters.'),
    associations: z.array(associationSchema).min(1).describe('Data repository associations (at most 8, no overlapping paths).'),
  })
  .strict();

export const fsxLustreResourceSchema = z
  .object({
    type: z.literal('fsx-lustre'),
    description: z.string().optional(),
    primary: lustreSideSchema,
    secondary: lustreSideSchema,
    replication: z
      .object({
        roleArn: roleArnSchema.describe('Replication role for primary bucket → secondary bucket.'),
        reverseRoleArn: roleArnSchema.describe('Replication role for secondary bucket → primary bucket.'),
        batchRoleArn: roleArnSchema.optional().describe('S3 Batch Operations role for Batch Replication.'),
        replicaModifications: z.boolean().default(true),
        deleteMarkers: z.boolean().default(true),
      })
      .strict(),
    rpo: durationSchema.default('15m'),
    rto: durationSchema.default('1h'),
  })
  .strict();
export type FsxLustreResource = z.infer<typeof fsxLustreResourceSchema>;
export type LustreSide = z.infer<typeof lustreSideSchema>;
