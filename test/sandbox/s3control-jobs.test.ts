/**
 * S3 Batch Replication jobs through the real S3 Control client (custom endpointProvider, as drctl configures it)
 * and the in-process sandbox on virtual time.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateJobCommand,
  DescribeJobCommand,
  ListJobsCommand,
  UpdateJobPriorityCommand,
  UpdateJobStatusCommand,
  type CreateJobCommandInput,
  type S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { describe, expect, it } from 'vitest';
import { ensureBucket, readObject, setBucketReplication, setBucketVersioning, v2Rule, writeObject } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, ACCOUNT_B, REGION_A, REGION_B, errorOf, makeKit, rawRequest, type Kit } from './s3-kit.js';

const BATCH_ROLE = 'arn:aws:iam::111111111111:role/batch-replication';

/** Source bucket with one object from before the rule (NONE), one FAILED, one COMPLETED; destination in B. */
function scenario(kit: Kit) {
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'src', versioning: 'Enabled' });
  ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'dst', versioning: 'Enabled' });
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'reports', versioning: 'Enabled' });
  writeObject(kit.world, 'src', 'data/before-rule.txt', 'old');
  kit.clock.advance(1000);
  setBucketReplication(kit.world, 'src', { role: 'arn:aws:iam::111111111111:role/replication', rules: [v2Rule({ id: 'to-dst', destinationBucket: 'dst', prefix: 'data/' })] });
  setBucketVersioning(kit.world, 'dst', 'Suspended');
  writeObject(kit.world, 'src', 'data/failed.txt', 'failed once');
  kit.clock.advance(5000);
  setBucketVersioning(kit.world, 'dst', 'Enabled');
  writeObject(kit.world, 'src', 'data/live.txt', 'replicated live');
  kit.clock.advance(5000);
}

function jobInput(overrides: Partial<CreateJobCommandInput> = {}): CreateJobCommandInput {
  return {
    AccountId: ACCOUNT_A,
    Operation: { S3ReplicateObject: {} },
    Priority: 10,
    RoleArn: BATCH_ROLE,
    ConfirmationRequired: false,
    ClientRequestToken: 'drctl-run-1-backfill',
    Description: 'drctl run-1 backfill',
    Report: { Enabled: true, Bucket: 'arn:aws:s3:::reports', Prefix: 'batch', Format: 'Report_CSV_20180820', ReportScope: 'AllTasks' },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        SourceBucket: 'arn:aws:s3:::src',
        EnableManifestOutput: false,
        Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE', 'FAILED'] },
      },
    },
    ...overrides,
  };
}

async function statusOf(control: S3ControlClient, jobId: string) {
  return (await control.send(new DescribeJobCommand({ AccountId: ACCOUNT_A, JobId: jobId }))).Job;
}

describe('S3 Batch Replication jobs', () => {
  it('moves New → Preparing → Ready → Active → Complete and replicates the NONE and FAILED objects', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId } = await control.send(new CreateJobCommand(jobInput()));
    expect(JobId).toMatch(/^[0-9a-f-]{36}$/);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const job = await statusOf(control, JobId ?? '');
      if (seen[seen.length - 1] !== job?.Status) seen.push(job?.Status ?? '?');
      kit.clock.advance(500);
    }
    expect(seen).toEqual(['New', 'Preparing', 'Ready', 'Active', 'Complete']);
    const job = await statusOf(control, JobId ?? '');
    expect(job?.ProgressSummary).toMatchObject({ TotalNumberOfTasks: 2, NumberOfTasksSucceeded: 2, NumberOfTasksFailed: 0 });
    expect(job?.ProgressSummary?.Timers?.ElapsedTimeInActiveSeconds).toBe(3);
    expect(job).toMatchObject({ Operation: { S3ReplicateObject: {} }, Priority: 10, RoleArn: BATCH_ROLE, ConfirmationRequired: false, Description: 'drctl run-1 backfill' });
    expect(job?.ManifestGenerator?.S3JobManifestGenerator?.Filter?.ObjectReplicationStatuses).toEqual(['NONE', 'FAILED']);
    expect(job?.TerminationDate).toBeInstanceOf(Date);

    const a = kit.s3(ACCOUNT_A, REGION_A);
    const b = kit.s3(ACCOUNT_B, REGION_B);
    for (const key of ['data/before-rule.txt', 'data/failed.txt', 'data/live.txt']) {
      expect((await a.send(new HeadObjectCommand({ Bucket: 'src', Key: key }))).ReplicationStatus, key).toBe('COMPLETED');
      expect((await b.send(new HeadObjectCommand({ Bucket: 'dst', Key: key }))).ReplicationStatus, key).toBe('REPLICA');
    }
    const report = readObject(kit.world, 'reports', `batch/job-${JobId}/results/${JobId}.csv`);
    expect(report?.text.split('\n').filter(Boolean).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      `src,data%2Fbefore-rule.txt,${report?.text.split('\n')[0]?.split(',')[2]},succeeded`,
      `src,data%2Ffailed.txt,${report?.text.split('\n')[1]?.split(',')[2]},succeeded`,
    ]);
  });

  it('uses the configured durations', async () => {
    const kit = makeKit();
    scenario(kit);
    kit.world.setDuration('s3control.jobPreparing', 60_000);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId } = await control.send(new CreateJobCommand(jobInput()));
    kit.clock.advance(30_000);
    expect((await statusOf(control, JobId ?? ''))?.Status).toBe('Preparing');
    kit.clock.advance(40_000);
    expect((await statusOf(control, JobId ?? ''))?.Status).toBe('Complete');
  });

  it('waits in Suspended when confirmation is required, until UpdateJobStatus Ready', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId = '' } = await control.send(new CreateJobCommand(jobInput({ ConfirmationRequired: true })));
    const early = await errorOf(control.send(new UpdateJobStatusCommand({ AccountId: ACCOUNT_A, JobId, RequestedJobStatus: 'Ready' })));
    expect(early.name).toBe('JobStatusException');
    kit.clock.advance(600_000);
    const suspended = await statusOf(control, JobId);
    expect(suspended).toMatchObject({ Status: 'Suspended', SuspendedCause: 'AwaitingConfirmation' });
    expect(suspended?.ProgressSummary?.TotalNumberOfTasks).toBe(2);
    const confirmed = await control.send(new UpdateJobStatusCommand({ AccountId: ACCOUNT_A, JobId, RequestedJobStatus: 'Ready', StatusUpdateReason: 'approved by on-call' }));
    expect(confirmed).toMatchObject({ JobId, Status: 'Ready', StatusUpdateReason: 'approved by on-call' });
    kit.clock.advance(10_000);
    expect((await statusOf(control, JobId))?.Status).toBe('Complete');
  });

  it('waits in Suspended when ConfirmationRequired is omitted (the service default), so a client must send false explicitly', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const input = jobInput();
    delete input.ConfirmationRequired;
    const { JobId = '' } = await control.send(new CreateJobCommand(input));
    kit.clock.advance(600_000);
    expect(await statusOf(control, JobId)).toMatchObject({ Status: 'Suspended', SuspendedCause: 'AwaitingConfirmation', ConfirmationRequired: true });
  });

  it('is idempotent per ClientRequestToken: same request → same job, different request → IdempotencyException', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const first = await control.send(new CreateJobCommand(jobInput()));
    const again = await control.send(new CreateJobCommand(jobInput()));
    expect(again.JobId).toBe(first.JobId);
    const changed = await errorOf(control.send(new CreateJobCommand(jobInput({ Priority: 99 }))));
    expect(changed.name).toBe('IdempotencyException');
    const other = await control.send(new CreateJobCommand(jobInput({ ClientRequestToken: 'drctl-run-2-backfill' })));
    expect(other.JobId).not.toBe(first.JobId);
  });

  it("must be created in the source bucket's region, and jobs are only visible there", async () => {
    const kit = makeKit();
    scenario(kit);
    const wrongRegion = await errorOf(kit.s3control(ACCOUNT_A, REGION_B).send(new CreateJobCommand(jobInput())));
    expect(wrongRegion.name).toBe('BadRequestException');
    expect(wrongRegion.message).toContain(`create the job in ${REGION_A}`.replace('create', 'Create'));
    const { JobId = '' } = await kit.s3control(ACCOUNT_A, REGION_A).send(new CreateJobCommand(jobInput()));
    const elsewhere = await errorOf(kit.s3control(ACCOUNT_A, REGION_B).send(new DescribeJobCommand({ AccountId: ACCOUNT_A, JobId })));
    expect(elsewhere.name).toBe('NotFoundException');
  });

  it('answers NotFoundException for unknown job ids and AccessDenied for another account', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const missing = await errorOf(control.send(new DescribeJobCommand({ AccountId: ACCOUNT_A, JobId: '00000000-0000-0000-0000-000000000000' })));
    expect(missing.name).toBe('NotFoundException');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const foreign = await errorOf(control.send(new ListJobsCommand({ AccountId: ACCOUNT_B })));
    expect(foreign.name).toBe('AccessDenied');
  });

  it('lists jobs filtered by status', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId: done } = await control.send(new CreateJobCommand(jobInput({ ClientRequestToken: 't-done' })));
    kit.clock.advance(60_000);
    const { JobId: waiting } = await control.send(new CreateJobCommand(jobInput({ ClientRequestToken: 't-waiting', ConfirmationRequired: true })));
    kit.clock.advance(5_000);
    const all = await control.send(new ListJobsCommand({ AccountId: ACCOUNT_A }));
    expect(all.Jobs?.map((j) => [j.JobId, j.Status])).toEqual([
      [waiting, 'Suspended'],
      [done, 'Complete'],
    ]);
    const active = await control.send(new ListJobsCommand({ AccountId: ACCOUNT_A, JobStatuses: ['New', 'Preparing', 'Suspended', 'Ready', 'Active'] }));
    expect(active.Jobs?.map((j) => j.JobId)).toEqual([waiting]);
    // The first job already replicated the NONE and FAILED objects, so the second one finds nothing left to do.
    expect(active.Jobs?.[0]?.ProgressSummary?.TotalNumberOfTasks).toBe(0);
    expect(all.Jobs?.[1]?.ProgressSummary?.TotalNumberOfTasks).toBe(2);
  });

  it('cancels a job (Cancelling → Cancelled) and refuses to change a finished one', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId = '' } = await control.send(new CreateJobCommand(jobInput({ ConfirmationRequired: true })));
    kit.clock.advance(10_000);
    const cancelling = await control.send(new UpdateJobStatusCommand({ AccountId: ACCOUNT_A, JobId, RequestedJobStatus: 'Cancelled' }));
    expect(cancelling.Status).toBe('Cancelling');
    kit.clock.advance(1_000);
    expect((await statusOf(control, JobId))?.Status).toBe('Cancelled');
    const again = await errorOf(control.send(new UpdateJobStatusCommand({ AccountId: ACCOUNT_A, JobId, RequestedJobStatus: 'Ready' })));
    expect(again.name).toBe('JobStatusException');
    expect((await kit.s3(ACCOUNT_A, REGION_A).send(new HeadObjectCommand({ Bucket: 'src', Key: 'data/before-rule.txt' }))).ReplicationStatus).toBeUndefined();
  });

  it('reports failed tasks (destination missing) with counts and a CSV report in the report bucket', async () => {
    const kit = makeKit();
    scenario(kit);
    setBucketReplication(kit.world, 'src', { role: 'arn:aws:iam::111111111111:role/replication', rules: [v2Rule({ id: 'to-gone', destinationBucket: 'gone-bucket', prefix: 'data/' })] });
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId } = await control.send(
      new CreateJobCommand(jobInput({ Report: { Enabled: true, Bucket: 'arn:aws:s3:::reports', Prefix: 'failures/', Format: 'Report_CSV_20180820', ReportScope: 'FailedTasksOnly' } })),
    );
    kit.clock.advance(60_000);
    const job = await statusOf(control, JobId ?? '');
    expect(job?.Status).toBe('Complete');
    expect(job?.ProgressSummary).toMatchObject({ TotalNumberOfTasks: 2, NumberOfTasksSucceeded: 0, NumberOfTasksFailed: 2 });
    const a = kit.s3(ACCOUNT_A, REGION_A);
    const report = await a.send(new GetObjectCommand({ Bucket: 'reports', Key: `failures/job-${JobId}/results/${JobId}.csv` }));
    const rows = (await report.Body?.transformToString())?.trim().split('\n') ?? [];
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^src,data%2F[a-z-]+\.txt,[0-9a-f]{32},failed,DstBucketNotFound,/);
    expect((await a.send(new HeadObjectCommand({ Bucket: 'src', Key: 'data/before-rule.txt' }))).ReplicationStatus).toBe('FAILED');
  });

  it('applies the manifest filters: statuses, CreatedAfter and key name constraints', async () => {
    const kit = makeKit();
    scenario(kit);
    const a = kit.s3(ACCOUNT_A, REGION_A);
    await a.send(new PutObjectCommand({ Bucket: 'src', Key: 'data/skip.log', Body: 'x' }));
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const since = new Date(kit.clock.now() - 10_500);
    const { JobId } = await control.send(
      new CreateJobCommand(
        jobInput({
          ManifestGenerator: {
            S3JobManifestGenerator: {
              SourceBucket: 'arn:aws:s3:::src',
              EnableManifestOutput: false,
              Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE', 'FAILED', 'COMPLETED'], CreatedAfter: since, KeyNameConstraint: { MatchAnySuffix: ['.txt'] } },
            },
          },
        }),
      ),
    );
    kit.clock.advance(60_000);
    const job = await statusOf(control, JobId ?? '');
    // data/failed.txt and data/live.txt were written after `since`; before-rule.txt is older and skip.log is not .txt.
    expect(job?.ProgressSummary?.TotalNumberOfTasks).toBe(2);
    expect((await a.send(new HeadObjectCommand({ Bucket: 'src', Key: 'data/before-rule.txt' }))).ReplicationStatus).toBeUndefined();
  });

  it('fails in Preparing when the source bucket has no replication configuration', async () => {
    const kit = makeKit();
    scenario(kit);
    setBucketReplication(kit.world, 'src', undefined);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId } = await control.send(new CreateJobCommand(jobInput()));
    kit.clock.advance(60_000);
    const job = await statusOf(control, JobId ?? '');
    expect(job?.Status).toBe('Failed');
    expect(job?.FailureReasons?.[0]?.FailureCode).toBe('SrcBucketReplicationConfigMissing');
  });

  it('writes the generated manifest when asked, and changes the priority', async () => {
    const kit = makeKit();
    scenario(kit);
    const control = kit.s3control(ACCOUNT_A, REGION_A);
    const { JobId = '' } = await control.send(
      new CreateJobCommand(
        jobInput({
          ManifestGenerator: {
            S3JobManifestGenerator: {
              SourceBucket: 'arn:aws:s3:::src',
              EnableManifestOutput: true,
              ManifestOutputLocation: { Bucket: 'arn:aws:s3:::reports', ManifestPrefix: 'manifests', ManifestFormat: 'S3InventoryReport_CSV_20211130' },
              Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE'] },
            },
          },
        }),
      ),
    );
    expect(await control.send(new UpdateJobPriorityCommand({ AccountId: ACCOUNT_A, JobId, Priority: 42 }))).toMatchObject({ JobId, Priority: 42 });
    kit.clock.advance(60_000);
    const job = await statusOf(control, JobId);
    expect(job?.Priority).toBe(42);
    expect(job?.GeneratedManifestDescriptor?.Location?.ObjectArn).toBe(`arn:aws:s3:::reports/manifests/job-${JobId}/manifest.csv`);
    expect(readObject(kit.world, 'reports', `manifests/job-${JobId}/manifest.csv`)?.text).toMatch(/^src,data%2Fbefore-rule\.txt,[0-9a-f]{32}$/);
  });

  it('answers NotImplemented for S3 Control operations it does not emulate', async () => {
    const kit = makeKit();
    const response = await rawRequest(kit, { method: 'GET', path: '/v20180820/accesspoint', headers: { 'x-amz-account-id': ACCOUNT_A } }, ACCOUNT_A, REGION_A);
    expect(response.status).toBe(501);
    expect(String(response.body)).toMatch(/<ErrorResponse><Error><Code>NotImplemented<\/Code><Message>[^<]*GET \/v20180820\/accesspoint/);
  });
});
