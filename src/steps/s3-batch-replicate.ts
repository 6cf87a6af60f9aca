/**
 * s3.batch-replicate: S3 Batch Replication of what live replication never copied — objects with replication
 * status NONE (written before a rule existed, or on the DR side while no rule pointed back) or FAILED — from
 * `from`'s buckets, by default only those created after the last failover.
 *
 * The job is created in the source bucket's account and region, with a deterministic ClientRequestToken,
 * `ConfirmationRequired: false` and a failure report, and is found again on resume (by the id drctl remembered,
 * or by its description) instead of starting a duplicate. The step fails with the task counts and the report
 * location when tasks failed; a re-run then starts a fresh job for what is still unreplicated.
 */
import { z } from 'zod';
import type { JobDescriptor, JobListDescriptor } from '@aws-sdk/client-s3-control';
import type { ReplicationConfiguration } from '@aws-sdk/client-s3';
import { StepError } from '../errors.js';
import type { Side } from '../runbook/schema.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { BucketPair, BucketRef } from './s3-common.js';
import { batchRoleFor, bucketArn, bucketPairs, bucketTarget, isAwsError, selectPairs, where } from './s3-common.js';
import type { BucketLocation } from './s3-buckets.js';
import { bucketLocationProblem, readBucketLocation, readReplication } from './s3-buckets.js';
import { currentMemory, readStartedJob, rememberStartedJob } from './s3-memory.js';
import type { StartedJob } from './s3-memory.js';
import { describedPairs, direction, pairsSchema, planBucketCall, planCall, sideSchema } from './s3-plan.js';
import { createdAfterFor, describeJobProgress, isEmptyManifestFailure, jobReportUrl } from './s3-batch-jobs.js';

const params = z
  .object({
    from: sideSchema.default('secondary').describe('The side whose buckets are the job source. Default secondary (failback).'),
    statuses: z
      .array(z.enum(['NONE', 'FAILED', 'COMPLETED', 'REPLICA']))
      .min(1)
      .default(['NONE', 'FAILED'])
      .describe('Replication statuses of the objects to replicate. Default NONE and FAILED (what live replication missed).'),
    createdAfter: z
      .string()
      .refine((v) => v === 'last-failover' || v === 'none' || !Number.isNaN(Date.parse(v)), 'expected last-failover, none or an ISO 8601 time such as 2026-01-01T00:00:00Z')
      .default('last-failover')
      .describe('`last-failover` (objects created after the last recorded failover, minus 15 minutes for clock skew), `none`, or an ISO 8601 time.')
      .meta({ examples: ['last-failover', 'none', '2026-01-01T00:00:00Z'] }),
    priority: z.number().int().min(0).max(2147483647).default(10).describe('Batch Operations job priority. Default 10.'),
    reportBucket: z.string().optional().describe('Bucket for the failure report, in the source account. Default: the source bucket.'),
    reportPrefix: z.string().default('drctl-reports/batch-replication').describe('Key prefix of the failure report. Default drctl-reports/batch-replication.'),
    roleArn: z.string().optional().describe("Batch Operations role. Default: the resource's batchRoleArn (primary) or reverseBatchRoleArn (secondary)."),
    pairs: pairsSchema,
  })
  .strict();
type Params = z.infer<typeof params>;

interface SourceBucket {
  source: BucketRef;
  prefixes: string[];
  role: string | undefined;
  location: BucketLocation;
  config: ReplicationConfiguration | undefined;
  job: JobDescriptor | undefined;
}

interface Observed {
  buckets: SourceBucket[];
  record: StartedJob | undefined;
}

function groupBySource(pairs: BucketPair[], from: Side, roleOverride: string | undefined): Array<Pick<SourceBucket, 'source' | 'prefixes' | 'role'>> {
  const groups = new Map<string, Pick<SourceBucket, 'source' | 'prefixes' | 'role'>>();
  for (const pair of pairs) {
    const source = pair[from];
    const sameAccount = pair.primary.accountId === pair.secondary.accountId;
    const group = groups.get(source.bucket) ?? { source, prefixes: [], role: roleOverride ?? batchRoleFor(pair.settings, from, sameAccount) };
    group.prefixes.push(source.prefix);
    groups.set(source.bucket, group);
  }
  return [...groups.values()];
}

function jobDescription(ctx: Pick<StepContext, 'runId' | 'stepKey'>, bucket: string, generation: number): string {
  return `drctl ${ctx.runId} ${ctx.stepKey} ${bucket} g${generation}`.slice(0, 256);
}

/** A job this step started in an earlier, interrupted attempt, found by its description. */
async function findJobByDescription(ctx: StepContext, source: BucketRef, description: string): Promise<string | undefined> {
  let token: string | undefined;
  for (let page = 0; page < 5; page++) {
    const out = await ctx.aws.call(bucketTarget(source), 's3control', 'ListJobs', { AccountId: source.accountId, NextToken: token, MaxResults: 1000 });
    const found = (out.Jobs ?? []).find((j: JobListDescriptor) => j.Description === description);
    if (found?.JobId) return found.JobId;
    token = out.NextToken;
    if (!token) break;
  }
  return undefined;
}

async function observe(ctx: StepContext, p: Params): Promise<Observed> {
  const record = readStartedJob(ctx);
  const generation = record?.generation ?? 1;
  const buckets: SourceBucket[] = [];
  for (const group of groupBySource(selectPairs(bucketPairs(ctx.resource, ctx.target), p.pairs), p.from, p.roleArn)) {
    const location = await readBucketLocation(ctx, group.source);
    if (location.state !== 'ok') {
      buckets.push({ ...group, location, config: undefined, job: undefined });
      continue;
    }
    const config = await readReplication(ctx, group.source);
    const jobId = record?.ids[group.source.bucket] ?? (await findJobByDescription(ctx, group.source, jobDescription(ctx, group.source.bucket, generation)));
    let job: JobDescriptor | undefined;
    if (jobId) {
      try {
        job = (await ctx.aws.call(bucketTarget(group.source), 's3control', 'DescribeJob', { AccountId: group.source.accountId, JobId: jobId })).Job;
      } catch (err) {
        if (!isAwsError(err, 'NotFoundException', 'NoSuchJob', 'NoSuchJobException')) throw err;
      }
    }
    buckets.push({ ...group, location, config, job });
  }
  return { buckets, record };
}

function planCreateCall(ctx: Pick<StepContext, 'memory' | 'clock'>, bucket: Pick<SourceBucket, 'source' | 'prefixes' | 'role'>, p: Params): ReturnType<typeof planCall> {
  return planCall(
    's3control',
    'CreateJob',
    bucket.source,
    {
      AccountId: bucket.source.accountId,
      Operation: 'S3ReplicateObject',
      SourceBucket: bucketArn(bucket.source.bucket),
      ObjectReplicationStatuses: p.statuses,
      CreatedAfter: createdAfterFor(p.createdAfter, currentMemory(ctx))?.toISOString() ?? '(any)',
      Prefixes: bucket.prefixes,
      RoleArn: bucket.role,
      ConfirmationRequired: false,
      Report: `s3://${p.reportBucket ?? bucket.source.bucket}/${p.reportPrefix}`,
    },
    [`arn:aws:s3:${bucket.source.region}:${bucket.source.accountId}:job/*`],
  );
}

function decideBucket(bucket: SourceBucket, obs: Observed, p: Params, ctx: StepContext): Decision | undefined {
  const problem = bucketLocationProblem(bucket.source, bucket.location);
  if (problem) return { state: 'blocked', ...problem };
  const name = bucket.source.bucket;
  if (!bucket.config?.Rules?.length) {
    return {
      state: 'blocked',
      reason: `bucket ${name} (${where(bucket.source)}) has no replication configuration; Batch Replication copies objects through the bucket's rules`,
      hint: `Run an s3.ensure-replication step with from: ${p.from} before this one.`,
    };
  }
  if (!bucket.role) {
    return {
      state: 'blocked',
      reason: `no S3 Batch Operations role is declared for jobs on ${name} (${p.from} side)`,
      hint: `Declare replication.${p.from === 'primary' ? 'batchRoleArn' : 'reverseBatchRoleArn'} (a role in account ${bucket.source.accountId} trusted by batchoperations.s3.amazonaws.com), or pass roleArn to the step.`,
    };
  }
  const generation = obs.record?.generation ?? 1;
  const job = bucket.job;
  const createPhase = (gen: number): Decision => ({
    state: 'apply',
    phase: `create:${name}#g${gen}`,
    reason: `start Batch Replication of ${p.statuses.join('/')} objects ${direction(p.from)} from ${name}${createdAfterFor(p.createdAfter, currentMemory(ctx)) ? '' : ' (no failover recorded: objects of any age)'}`,
    calls: [planCreateCall(ctx, bucket, p)],
  });
  if (!job) return createPhase(generation);
  const jobId = job.JobId ?? '?';
  const report = jobReportUrl(p.reportBucket ?? name, p.reportPrefix, jobId);
  const replaced = obs.record !== undefined && obs.record.attempt < ctx.attempt;
  switch (job.Status) {
    case 'Complete': {
      const failed = job.ProgressSummary?.NumberOfTasksFailed ?? 0;
      if (failed === 0) return undefined;
      if (replaced) return createPhase(generation + 1);
      throw new StepError(
        'batch-replication-tasks-failed',
        `${ctx.stepKey}: Batch Replication job ${jobId} on ${name} (${where(bucket.source)}) completed with ${failed} of ${job.ProgressSummary?.TotalNumberOfTasks ?? '?'} tasks failed; failure report: ${report}`,
        { hint: "Read the report (its failure codes name the cause, e.g. DstBucketNotFound or a denied replication role), fix it, then re-run: drctl starts a new job for what is still unreplicated." },
      );
    }
    case 'Failed':
    case 'Cancelled': {
      if (isEmptyManifestFailure(job)) return undefined;
      if (replaced) return createPhase(generation + 1);
      const reasons = (job.FailureReasons ?? []).map((f) => `${f.FailureCode ?? ''} ${f.FailureReason ?? ''}`.trim()).join('; ');
      throw new StepError(
        job.Status === 'Failed' ? 'batch-replication-failed' : 'batch-replication-cancelled',
        `${ctx.stepKey}: Batch Replication job ${jobId} on ${name} (${where(bucket.source)}) is ${job.Status}${reasons ? `: ${reasons}` : ''}${job.StatusUpdateReason ? ` (${job.StatusUpdateReason})` : ''}; report: ${report}`,
        { hint: 'Check the Batch Operations role (trust batchoperations.s3.amazonaws.com, s3:InitiateReplication, s3:PutInventoryConfiguration) and the report, then re-run: drctl starts a new job.' },
      );
    }
    case 'Suspended': {
      const phase = `confirm:${name}#${jobId}`;
      if (!ctx.applied.some((a) => a.phase === phase)) {
        return {
          state: 'apply',
          phase,
          reason: `Batch Replication job ${jobId} on ${name} is Suspended${job.SuspendedCause ? ` (${job.SuspendedCause})` : ''}; confirm it to run`,
          calls: [planCall('s3control', 'UpdateJobStatus', bucket.source, { AccountId: bucket.source.accountId, JobId: jobId, RequestedJobStatus: 'Ready' })],
        };
      }
      return {
        state: 'blocked',
        reason: `Batch Replication job ${jobId} on ${name} (${where(bucket.source)}) stays Suspended after drctl confirmed it${job.SuspendedCause ? `: ${job.SuspendedCause}` : ''}`,
        hint: `Inspect it: aws s3control describe-job --account-id ${bucket.source.accountId} --job-id ${jobId} --region ${bucket.source.region}; resolve the cause, then re-run.`,
      };
    }
    default:
      return { state: 'waiting', reason: `Batch Replication job ${jobId} on ${name} is ${job.Status ?? 'unknown'}: ${describeJobProgress(job)}` };
  }
}

function decide(obs: Observed, p: Params, ctx: StepContext): Decision {
  for (const bucket of obs.buckets) {
    const decision = decideBucket(bucket, obs, p, ctx);
    if (decision) return decision;
  }
  const jobs = obs.buckets.map((b) => b.job).filter((j): j is JobDescriptor => j !== undefined);
  const total = jobs.reduce((sum, j) => sum + (j.ProgressSummary?.TotalNumberOfTasks ?? 0), 0);
  const succeeded = jobs.reduce((sum, j) => sum + (j.ProgressSummary?.NumberOfTasksSucceeded ?? 0), 0);
  return {
    state: 'done',
    reason: `Batch Replication ${direction(p.from)} complete: ${succeeded} of ${total} object(s) replicated by job(s) ${jobs.map((j) => j.JobId).join(', ')}`,
    outputs: { jobIds: jobs.map((j) => j.JobId ?? ''), tasksTotal: total, tasksSucceeded: succeeded },
  };
}

async function apply(ctx: StepContext, p: Params, obs: Observed, phase: string): Promise<void> {
  const [action, rest = ''] = phase.split(/:(.*)/s, 2);
  const name = rest.slice(0, rest.lastIndexOf('#'));
  const bucket = obs.buckets.find((b) => b.source.bucket === name);
  if (!bucket) throw new StepError('internal-error', `${ctx.stepKey}: no observed bucket for phase ${phase}`);
  const target = bucketTarget(bucket.source);
  if (action === 'confirm') {
    const jobId = rest.slice(rest.lastIndexOf('#') + 1);
    try {
      await ctx.aws.call(target, 's3control', 'UpdateJobStatus', { AccountId: bucket.source.accountId, JobId: jobId, RequestedJobStatus: 'Ready', StatusUpdateReason: `drctl ${ctx.runId}: start Batch Replication` });
    } catch (err) {
      if (!isAwsError(err, 'JobStatusException')) throw err;
      ctx.note(`job ${jobId} changed state before it could be confirmed; observing it again`);
    }
    return;
  }
  const generation = Number(rest.slice(rest.lastIndexOf('#g') + 2)) || 1;
  const createdAfter = createdAfterFor(p.createdAfter, currentMemory(ctx));
  const prefixes = bucket.prefixes.includes('') ? [] : bucket.prefixes;
  let jobId: string | undefined;
  try {
    const out = await ctx.aws.call(target, 's3control', 'CreateJob', {
      AccountId: bucket.source.accountId,
      ConfirmationRequired: false,
      Operation: { S3ReplicateObject: {} },
      Priority: p.priority,
      RoleArn: bucket.role,
      ClientRequestToken: ctx.token(`batch-${name}-g${generation}`, 64),
      Description: jobDescription(ctx, name, generation),
      Report: { Enabled: true, Bucket: bucketArn(p.reportBucket ?? name), Prefix: p.reportPrefix, Format: 'Report_CSV_20180820', ReportScope: 'FailedTasksOnly' },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          ExpectedBucketOwner: bucket.source.accountId,
          SourceBucket: bucketArn(name),
          EnableManifestOutput: false,
          Filter: {
            EligibleForReplication: true,
            ObjectReplicationStatuses: p.statuses,
            ...(createdAfter ? { CreatedAfter: createdAfter } : {}),
            ...(prefixes.length > 0 ? { KeyNameConstraint: { MatchAnyPrefix: prefixes } } : {}),
          },
        },
      },
    });
    jobId = out.JobId;
  } catch (err) {
    if (!isAwsError(err, 'IdempotencyException')) throw err;
    throw new StepError(
      'batch-replication-token-reused',
      `${ctx.stepKey}: S3 already has a Batch job for this run's token on ${name} with different parameters (the runbook or the recorded failover time changed since it was created)`,
      { hint: 'Start a new run with --new-run, or restore the previous parameters.', cause: err },
    );
  }
  if (!jobId) return;
  const ids = { ...(obs.record?.ids ?? {}), [name]: jobId };
  rememberStartedJob(ctx, { runId: ctx.runId, generation, attempt: ctx.attempt, ids });
  ctx.note(`Batch Replication job ${jobId} created on ${name} (${where(bucket.source)}); failure report under ${jobReportUrl(p.reportBucket ?? name, p.reportPrefix, jobId)}`);
}

export const s3BatchReplicate: StepKind<Params, Observed> = {
  kind: 's3.batch-replicate',
  summary: 'Runs S3 Batch Replication for objects live replication missed (NONE/FAILED, created after the failover) and waits for it to complete.',
  appliesTo: ['s3', 'fsx-lustre'],
  params,
  describe: (p, ctx) => `Batch Replication ${direction(p.from)} of ${p.statuses.join('/')} objects for ${describedPairs(ctx, p.pairs).map((pair) => pair.label).join(', ')}`,
  calls(p, ctx) {
    return groupBySource(describedPairs(ctx, p.pairs), p.from, p.roleArn).flatMap((group) => [
      planBucketCall(group.source, 'GetBucketLocation'),
      planBucketCall(group.source, 'GetBucketReplication'),
      planCall('s3control', 'ListJobs', group.source, { AccountId: group.source.accountId }, ['*']),
      planCall('s3control', 'DescribeJob', group.source, { AccountId: group.source.accountId }, [`arn:aws:s3:${group.source.region}:${group.source.accountId}:job/*`]),
      { ...planCall('s3control', 'CreateJob', group.source, { AccountId: group.source.accountId, RoleArn: group.role, SourceBucket: bucketArn(group.source.bucket) }, [`arn:aws:s3:${group.source.region}:${group.source.accountId}:job/*`]), note: 'once per run' },
      planCall('s3control', 'UpdateJobStatus', group.source, { RequestedJobStatus: 'Ready' }, [`arn:aws:s3:${group.source.region}:${group.source.accountId}:job/*`], 'only if the job waits in Suspended'),
    ]);
  },
  sides: (p) => [p.from],
  observe,
  decide,
  apply,
  wait: { timeoutMs: 6 * 60 * 60_000, pollMs: 30_000 },
};

