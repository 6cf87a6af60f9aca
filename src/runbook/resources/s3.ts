import { z } from 'zod';
import { BUCKET_NAME, durationSchema, nameSchema, roleArnSchema } from '../common.js';

export const bucketSideSchema = z
  .object({
    account: nameSchema.describe('Name of an entry under `accounts`.'),
    region: z.string().optional(),
    bucket: z.string().regex(BUCKET_NAME, 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)'),
  })
  .strict();

export const s3ResourceSchema = z
  .object({
    type: z.literal('s3'),
    description: z.string().optional(),
    primary: bucketSideSchema,
    secondary: bucketSideSchema,
    replication: z
      .object({
        roleArn: roleArnSchema.describe('Replication role for primary → secondary.'),
        reverseRoleArn: roleArnSchema.optional().describe('Replication role for secondary → primary (two-way).'),
        batchRoleArn: roleArnSchema.optional().describe('S3 Batch Operations role for Batch Replication.'),
        twoWay: z.boolean().default(true),
        prefix: z.string().default(''),
        replicaModifications: z.boolean().default(true),
        deleteMarkers: z.boolean().default(true),
        rtc: z.boolean().default(false).describe('Replication Time Control (15-minute SLA, with metrics).'),
        ruleId: z.string().max(255).default('drctl').describe('ID of the replication rule drctl owns; other rules are kept.'),
      })
      .strict(),
    rpo: durationSchema.default('15m'),
    rto: durationSchema.default('1h'),
  })
  .strict();
export type S3Resource = z.infer<typeof s3ResourceSchema>;
