/**
 * The `s3` resource: a bucket pair with live replication between them (aws-reference.md §3, §4). The replication
 * settings are shared with `fsx-lustre`, whose linked buckets replicate the same way.
 */
import { z } from 'zod';
import { BUCKET_NAME, REGION, durationSchema, nameSchema, roleArnSchema } from '../common.js';

/** Settings of the replication rules drctl owns, common to `s3` and `fsx-lustre` resources. */
export const replicationSettingsShape = {
  roleArn: roleArnSchema.describe(
    'Role S3 assumes to replicate primary bucket → secondary bucket. It lives in the primary account (the source bucket owner).',
  ),
  batchRoleArn: roleArnSchema
    .optional()
    .describe(
      'S3 Batch Operations role (in the primary account) for Batch Replication jobs on the primary bucket. Without it the standard procedures skip backfilling from the primary.',
    ),
  reverseBatchRoleArn: roleArnSchema
    .optional()
    .describe(
      'S3 Batch Operations role (in the secondary account) for Batch Replication jobs on the secondary bucket during failback. Default: batchRoleArn when both sides are in one account.',
    ),
  replicaModifications: z
    .boolean()
    .default(true)
    .describe('Replica modification sync: metadata changes on replicas flow back. Two-way replication needs it. Default true.'),
  deleteMarkers: z.boolean().default(true).describe('Replicate delete markers. Default true.'),
  rtc: z
    .boolean()
    .default(false)
    .describe('S3 Replication Time Control (15-minute SLA, with replication metrics). Default false.'),
  ruleId: z
    .string()
    .min(1)
    .max(200)
    .default('drctl')
    .describe(
      'ID of the replication rule drctl owns on each bucket (fsx-lustre: a suffix per association is added). Rules with other IDs are always kept. Default `drctl`.',
    )
    .meta({ examples: ['drctl'] }),
  priority: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Priority of drctl\'s rule. Default: the rule keeps its priority, or a new rule gets one above every other rule.'),
  ownerOverride: z
    .boolean()
    .default(false)
    .describe('Cross-account only: make the destination account the owner of replicas (AccessControlTranslation). Default false.'),
};

export const bucketSideSchema = z
  .object({
    account: nameSchema.describe('Name of an entry under `accounts`.').meta({ examples: ['prod'] }),
    region: z
      .string()
      .regex(REGION, 'expected an AWS region such as us-east-1')
      .optional()
      .describe("Region of the bucket; defaults to the account's region. drctl checks it with GetBucketLocation."),
    bucket: z
      .string()
      .regex(BUCKET_NAME, 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)')
      .describe('Bucket name.')
      .meta({ examples: ['media-prod-us-east-1'] }),
  })
  .strict();

export const s3ResourceSchema = z
  .object({
    type: z.literal('s3'),
    description: z.string().optional().describe('Free text shown in plans and reports.'),
    primary: bucketSideSchema.describe('The production bucket: the replication source in normal operation.'),
    secondary: bucketSideSchema.describe('The DR bucket: the replication destination in normal operation.'),
    replication: z
      .object({
        ...replicationSettingsShape,
        reverseRoleArn: roleArnSchema
          .optional()
          .describe(
            'Role S3 assumes to replicate secondary bucket → primary bucket (two-way, and during failback). It lives in the secondary account.',
          ),
        twoWay: z
          .boolean()
          .default(true)
          .describe('Keep a secondary → primary rule at all times. When false, drctl adds it for failover and removes it after failback. Default true.'),
        prefix: z
          .string()
          .default('')
          .describe('Key prefix the rules replicate, e.g. `media/`. Default: the whole bucket.')
          .meta({ examples: ['media/'] }),
      })
      .strict()
      .describe('Live replication between the buckets (rules drctl owns; other rules on the buckets are kept).'),
    rpo: durationSchema.default('15m').describe('Recovery point objective: the largest replication lag accepted at failover. Default 15m.'),
    rto: durationSchema.default('1h').describe('Recovery time objective. Default 1h.'),
  })
  .strict();
export type S3Resource = z.infer<typeof s3ResourceSchema>;
export type BucketSide = z.infer<typeof bucketSideSchema>;
