import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GetBucketLocationCommand, GetBucketReplicationCommand } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, ListJobsCommand, UpdateJobStatusCommand } from '@aws-sdk/client-s3-control';
import type { JobDescriptor } from '@aws-sdk/client-s3-control';
import { s3BatchReplicate } from '../../src/steps/s3-batch-replicate.js';
import { StepError } from '../../src/errors.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR, DR_REGION, REVERSE_BATCH_ROLE, REVERSE_ROLE, fixtureRunbook, mockAws, rule } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());

const RUN = '20260101T000000Z-test-abc123';
const FAILOVER_AT = '2026-01-01T00:00:00.000Z';

beforeEach(() => {
  aws.reset();
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-dr' }).resolves({ LocationConstraint: DR_REGION });
  aws.s3.on(GetBucketReplicationCommand, { Bucket: 'media-dr' }).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [rule('drctl', 'media-prod')] } });
  aws.s3control.on(ListJobsCommand).resolves({ Jobs: [] });
});

const ctxFor = (options: StepContextOptions = {}) =>
  buildStepContext({ runbook: fixtureRunbook(), resource: 'media', stepId: 'backfill', operation: 'failback', runId: RUN, memory: { lastFailoverAt: FAILOVER_AT }, ...options });

const job = (status: string, progress: Partial<NonNullable<JobDescriptor['ProgressSummary']>> = {}, extra: Partial<JobDescriptor> = {}) => ({
  Job: { JobId: 'job-1', Status: status as never, ProgressSummary: { TotalNumberOfTasks: 10, NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 0, ...progress }, ...extra },
});

const startedJob = (attempt = 1) => ({ [`job:media/backfill`]: { runId: RUN, generation: 1, attempt, ids: { 'media-dr': 'job-1' } } });

describe('s3.batch-replicate', () => {
  it('creates the job in the source account and region with a deterministic token, no confirmation and a failure report', async () => {
    aws.s3control.on(CreateJobCommand).resolves({ JobId: 'job-1' });
    aws.s3control.on(DescribeJobCommand).resolves(job('Active', { NumberOfTasksSucceeded: 4 }));
    const ctx = ctxFor();
    const run = await runStep(s3BatchReplicate, ctx, {}, { maxRounds: 2 });
    expect(run.phases).toEqual(['create:media-dr#g1']);
    const input = aws.s3control.commandCalls(CreateJobCommand)[0]?.args[0].input;
    expect(input).toEqual({
      AccountId: DR,
      ConfirmationRequired: false,
      Operation: { S3ReplicateObject: {} },
      Priority: 10,
      RoleArn: REVERSE_BATCH_ROLE,
      ClientRequestToken: ctx.token('batch-media-dr-g1', 64),
      Description: `drctl ${RUN} media/backfill media-dr g1`,
      Report: { Enabled: true, Bucket: 'arn:aws:s3:::media-dr', Prefix: 'drctl-reports/batch-replication', Format: 'Report_CSV_20180820', ReportScope: 'FailedTasksOnly' },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          ExpectedBucketOwner: DR,
          SourceBucket: 'arn:aws:s3:::media-dr',
          EnableManifestOutput: false,
          Filter: {
            EligibleForReplication: true,
            ObjectReplicationStatuses: ['NONE', 'FAILED'],
            CreatedAfter: new Date(Date.parse(FAILOVER_AT) - 15 * 60_000),
            KeyNameConstraint: { MatchAnyPrefix: ['media/'] },
          },
        },
      },
    });
    // The job went to the source bucket's region (the S3 Control client of the DR account, us-west-2).
    expect(ctx.calls.find((c) => c.operation === 'CreateJob')).toMatchObject({ account: 'dr', region: DR_REGION });
    expect(run.final).toMatchObject({ state: 'waiting' });
    expect(run.final.state === 'waiting' && run.final.reason).toContain('job-1 on media-dr is Active: 4 of 10 tasks done, 0 failed');
    expect(ctx.saved['job:media/backfill']).toMatchObject({ runId: RUN, generation: 1, ids: { 'media-dr': 'job-1' } });
  });

  it('reuses the job it remembered on resume instead of creating another', async () => {
    aws.s3control.on(DescribeJobCommand).resolves(job('Complete', { NumberOfTasksSucceeded: 10 }));
    const run = await runStep(s3BatchReplicate, ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob() } }));
    expect(run.final).toMatchObject({ state: 'done', outputs: { jobIds: ['job-1'], tasksTotal: 10, tasksSucceeded: 10 } });
    expect(aws.s3control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('finds a job created just before an interruption by its description', async () => {
    aws.s3control.on(ListJobsCommand).resolves({ Jobs: [{ JobId: 'other' }, { JobId: 'job-7', Description: `drctl ${RUN} media/backfill media-dr g1` }] });
    aws.s3control.on(DescribeJobCommand, { JobId: 'job-7' }).resolves({ Job: { JobId: 'job-7', Status: 'Preparing' } });
    const run = await runStep(s3BatchReplicate, ctxFor(), {}, { maxRounds: 1 });
    expect(run.final.state).toBe('waiting');
    expect(aws.s3control.commandCalls(CreateJobCommand)).toHaveLength(0);
  });

  it('fails with the task counts and the report location when tasks failed', async () => {
    aws.s3control.on(DescribeJobCommand).resolves(job('Complete', { NumberOfTasksSucceeded: 7, NumberOfTasksFailed: 3 }));
    const ctx = ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob() } });
    const err = await runStep(s3BatchReplicate, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toContain('job-1 on media-dr (dr (222222222222) us-west-2) completed with 3 of 10 tasks failed');
    expect((err as StepError).message).toContain('s3://media-dr/drctl-reports/batch-replication/job-job-1/results/');
    expect((err as StepError).hint).toContain('re-run');
  });

  it('starts a new job (new token) on the next attempt after a failed one', async () => {
    aws.s3control.on(DescribeJobCommand).resolves(job('Failed', {}, { FailureReasons: [{ FailureCode: 'AccessDenied', FailureReason: 'role cannot InitiateReplication' }] }));
    const first = ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob(1) } });
    await expect(runStep(s3BatchReplicate, first)).rejects.toThrow('is Failed: AccessDenied role cannot InitiateReplication');
    aws.s3control.on(CreateJobCommand).resolves({ JobId: 'job-2' });
    const retry = ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob(1) } });
    retry.attempt = 2;
    const run = await runStep(s3BatchReplicate, retry, {}, { maxRounds: 1 });
    expect(run.phases).toEqual(['create:media-dr#g2']);
    expect(aws.s3control.commandCalls(CreateJobCommand)[0]?.args[0].input.ClientRequestToken).toBe(retry.token('batch-media-dr-g2', 64));
    expect(retry.saved['job:media/backfill']).toMatchObject({ generation: 2, attempt: 2, ids: { 'media-dr': 'job-2' } });
  });

  it('confirms a Suspended job once, and refuses if it stays suspended', async () => {
    aws.s3control.on(DescribeJobCommand).resolves(job('Suspended', {}, { SuspendedCause: 'awaiting confirmation' }));
    aws.s3control.on(UpdateJobStatusCommand).resolves({ JobId: 'job-1', Status: 'Ready' });
    const ctx = ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob() } });
    const run = await runStep(s3BatchReplicate, ctx);
    expect(run.phases).toEqual(['confirm:media-dr#job-1']);
    expect(aws.s3control.commandCalls(UpdateJobStatusCommand)[0]?.args[0].input).toMatchObject({ AccountId: DR, JobId: 'job-1', RequestedJobStatus: 'Ready' });
    expect(run.final.state).toBe('blocked');
    expect(run.final.state === 'blocked' && run.final.reason).toContain('stays Suspended after drctl confirmed it: awaiting confirmation');
  });

  it('treats a job whose generated manifest was empty as nothing to replicate', async () => {
    aws.s3control.on(DescribeJobCommand).resolves(job('Failed', { TotalNumberOfTasks: 0 }, { FailureReasons: [{ FailureCode: 'ManifestEmpty', FailureReason: 'The manifest is empty' }] }));
    const run = await runStep(s3BatchReplicate, ctxFor({ memory: { lastFailoverAt: FAILOVER_AT, ...startedJob() } }));
    expect(run.final.state).toBe('done');
  });

  it('refuses without a replication configuration on the source bucket, or without a batch role', async () => {
    aws.s3.on(GetBucketReplicationCommand, { Bucket: 'media-dr' }).rejects(awsError('ReplicationConfigurationNotFoundError', { status: 404 }));
    const noConfig = await runStep(s3BatchReplicate, ctxFor());
    expect(noConfig.final.state === 'blocked' && noConfig.final.hint).toContain('s3.ensure-replication step with from: secondary');
    aws.s3.on(GetBucketReplicationCommand, { Bucket: 'media-dr' }).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [rule('drctl', 'media-prod')] } });
    const input = structuredClone(fixtureRunbook());
    const media = input.filesystems.media;
    if (media?.type !== 's3') throw new Error('fixture');
    media.replication.reverseBatchRoleArn = undefined;
    const noRole = await runStep(s3BatchReplicate, ctxFor({ runbook: input }));
    expect(noRole.final.state === 'blocked' && noRole.final.reason).toContain('no S3 Batch Operations role is declared for jobs on media-dr');
  });

  it('omits CreatedAfter when no failover was recorded, and says so', async () => {
    const ctx = ctxFor({ memory: {} });
    const decision = s3BatchReplicate.decide(await s3BatchReplicate.observe(ctx, s3BatchReplicate.params.parse({})), s3BatchReplicate.params.parse({}), ctx);
    expect(decision.state === 'apply' && decision.reason).toContain('no failover recorded: objects of any age');
  });

  it('passes throttling on as retryable', async () => {
    aws.s3control.on(CreateJobCommand).rejects(awsError('TooManyRequestsException', { status: 400 }));
    const ctx = ctxFor();
    const p = s3BatchReplicate.params.parse({});
    const obs = await s3BatchReplicate.observe(ctx, p);
    await expect(s3BatchReplicate.apply(ctx, p, obs, 'create:media-dr#g1')).rejects.toMatchObject({ retryable: true, awsErrorName: 'TooManyRequestsException' });
  });
});

describe('s3.batch-replicate parameters', () => {
  it('accepts last-failover, none or an ISO time as createdAfter, and nothing else', () => {
    for (const ok of ['last-failover', 'none', '2026-01-01T00:00:00Z']) expect(s3BatchReplicate.params.safeParse({ createdAfter: ok }).success).toBe(true);
    const bad = s3BatchReplicate.params.safeParse({ createdAfter: 'yesterday' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('expected last-failover, none or an ISO 8601 time');
  });
});
