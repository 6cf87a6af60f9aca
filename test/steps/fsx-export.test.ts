import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateDataRepositoryTaskCommand,
  DescribeDataRepositoryAssociationsCommand,
  DescribeDataRepositoryTasksCommand,
  DescribeFileSystemsCommand,
} from '@aws-sdk/client-fsx';
import type { DataRepositoryTask } from '@aws-sdk/client-fsx';
import { fsxExport } from '../../src/steps/fsx-export.js';
import { StepError } from '../../src/errors.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { PROD_FS, PROD_REGION, dra, fixtureRunbook, lustreFs, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());

const RUN = '20260101T000000Z-test-abc123';
const KEY = 'lustre/export-primary';

beforeEach(() => {
  aws.reset();
  aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [PROD_FS] }).resolves({ FileSystems: [lustreFs(PROD_FS, 'AVAILABLE')] });
  aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({
    Associations: [dra('dra-1', PROD_FS, '/data', 's3://lustre-prod/data/'), dra('dra-2', PROD_FS, '/models', 's3://lustre-prod/models/')],
  });
  noRunningTasks();
});

const ctxFor = (options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource: 'lustre', stepId: 'export-primary', runId: RUN, ...options });
const p = fsxExport.params.parse({ side: 'primary' });

function noRunningTasks() {
  aws.fsx.on(DescribeDataRepositoryTasksCommand, { Filters: [{ Name: 'file-system-id', Values: [PROD_FS] }, { Name: 'task-lifecycle', Values: ['PENDING', 'EXECUTING'] }] }).resolves({ DataRepositoryTasks: [] });
}

function task(lifecycle: string, extra: Partial<DataRepositoryTask> = {}): DataRepositoryTask {
  return {
    TaskId: 'task-0123456789abcdef0',
    Lifecycle: lifecycle as never,
    Type: 'EXPORT_TO_REPOSITORY',
    CreationTime: new Date(),
    Status: { TotalCount: 100, SucceededCount: 40, FailedCount: 0 },
    Report: { Enabled: true, Path: 's3://lustre-prod/data/.drctl-reports' },
    ...extra,
  };
}

function ourTaskIs(t: DataRepositoryTask) {
  aws.fsx.on(DescribeDataRepositoryTasksCommand, { TaskIds: ['task-0123456789abcdef0'] }).resolves({ DataRepositoryTasks: [t] });
}

const remembered = (attempt = 1, generation = 1) => ({ [`job:${KEY}`]: { runId: RUN, generation, attempt, ids: { [PROD_FS]: 'task-0123456789abcdef0' } } });

describe('fsx.export (data repository task machinery)', () => {
  it('starts one export of the declared paths with a report, a deterministic token and drctl tags, then waits for it', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).callsFake(() => {
      ourTaskIs(task('EXECUTING'));
      return { DataRepositoryTask: task('PENDING') };
    });
    const ctx = ctxFor();
    const run = await runStep(fsxExport, ctx, { side: 'primary' }, { maxRounds: 2 });
    expect(run.phases).toEqual(['create-g1#1']);
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)[0]?.args[0].input).toEqual({
      Type: 'EXPORT_TO_REPOSITORY',
      FileSystemId: PROD_FS,
      Paths: ['data', 'models'],
      Report: { Enabled: true, Path: 's3://lustre-prod/data/.drctl-reports', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' },
      ClientRequestToken: ctx.token('export-g1', 63),
      Tags: [
        { Key: 'drctl:run', Value: RUN },
        { Key: 'drctl:step', Value: KEY },
      ],
    });
    expect(ctx.calls.find((c) => c.operation === 'CreateDataRepositoryTask')).toMatchObject({ account: 'prod', region: PROD_REGION });
    expect(run.final.state === 'waiting' && run.final.reason).toContain('export task task-0123456789abcdef0 on fs-0aaaaaaaaaaaaaaa1 in prod (111111111111) us-east-1 is EXECUTING: 40 of 100 files done, 0 failed');
    expect(ctx.saved[`job:${KEY}`]).toMatchObject({ generation: 1, ids: { [PROD_FS]: 'task-0123456789abcdef0' } });
  });

  it('is done with the counts once its task SUCCEEDED, without starting another', async () => {
    ourTaskIs(task('SUCCEEDED', { Status: { TotalCount: 100, SucceededCount: 100, FailedCount: 0 }, EndTime: new Date('2026-01-01T00:05:00Z') }));
    const run = await runStep(fsxExport, ctxFor({ memory: remembered() }), { side: 'primary' });
    expect(run.final).toMatchObject({ state: 'done', outputs: { taskId: 'task-0123456789abcdef0', filesTotal: 100, filesSucceeded: 100, filesFailed: 0, finishedAt: '2026-01-01T00:05:00.000Z' } });
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)).toHaveLength(0);
  });

  it('finds a task started just before an interruption by its tags', async () => {
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [task('EXECUTING', { Tags: [{ Key: 'drctl:run', Value: RUN }, { Key: 'drctl:step', Value: KEY }] })] });
    const run = await runStep(fsxExport, ctxFor(), { side: 'primary' }, { maxRounds: 1 });
    expect(run.final.state).toBe('waiting');
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)).toHaveLength(0);
  });

  it('waits for someone else\'s running task before starting its own', async () => {
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [task('EXECUTING', { TaskId: 'task-0fffffffffffffff9', Type: 'IMPORT_METADATA_FROM_REPOSITORY' })] });
    const run = await runStep(fsxExport, ctxFor(), { side: 'primary' }, { maxRounds: 1 });
    expect(run.final.state === 'waiting' && run.final.reason).toContain('task task-0fffffffffffffff9 (IMPORT_METADATA_FROM_REPOSITORY) is EXECUTING');
  });

  it('waits out an auto-export (DataRepositoryTaskExecuting) and asks again after a minute', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).rejectsOnce(awsError('DataRepositoryTaskExecuting', { message: 'an export is running' })).callsFake(() => {
      ourTaskIs(task('EXECUTING'));
      return { DataRepositoryTask: task('PENDING') };
    });
    const ctx = ctxFor();
    const run = await runStep(fsxExport, ctx, { side: 'primary' }, { pollMs: 30_000, maxRounds: 4 });
    expect(run.phases).toEqual(['create-g1#1', 'create-g1#2']);
    expect(run.decisions[1]).toMatchObject({ state: 'waiting' });
    expect(ctx.notes.join('\n')).toContain('auto-export is running');
    const tokens = aws.fsx.commandCalls(CreateDataRepositoryTaskCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(new Set(tokens).size).toBe(1);
  });

  it('fails with FSx\'s reason, the counts and the report location when the task FAILED', async () => {
    ourTaskIs(task('FAILED', { FailureDetails: { Message: 'some files failed to export' }, Status: { TotalCount: 100, SucceededCount: 97, FailedCount: 3 } }));
    const err = await runStep(fsxExport, ctxFor({ memory: remembered() }), { side: 'primary' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toContain('export task task-0123456789abcdef0 on fs-0aaaaaaaaaaaaaaa1 in prod (111111111111) us-east-1 is FAILED: some files failed to export (97 of 100 files done, 3 failed)');
    expect((err as StepError).message).toContain('report: s3://lustre-prod/data/.drctl-reports/task-0123456789abcdef0/failures.csv');
  });

  it('starts a new task (new token) on the attempt after a failure', async () => {
    ourTaskIs(task('FAILED'));
    aws.fsx.on(CreateDataRepositoryTaskCommand).resolves({ DataRepositoryTask: task('PENDING', { TaskId: 'task-0222222222222222b' }) });
    const ctx = ctxFor({ memory: remembered(1) });
    ctx.attempt = 2;
    const run = await runStep(fsxExport, ctx, { side: 'primary' }, { maxRounds: 1 });
    expect(run.phases).toEqual(['create-g2#1']);
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)[0]?.args[0].input.ClientRequestToken).toBe(ctx.token('export-g2', 63));
    expect(ctx.saved[`job:${KEY}`]).toMatchObject({ generation: 2, attempt: 2, ids: { [PROD_FS]: 'task-0222222222222222b' } });
  });

  it('refuses when an association it exports is missing', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({ Associations: [dra('dra-1', PROD_FS, '/data', 's3://lustre-prod/data/')] });
    const ctx = ctxFor();
    const decision = fsxExport.decide(await fsxExport.observe(ctx, p), p, ctx);
    expect(decision.state === 'blocked' && decision.reason).toContain('no data repository association for /models');
  });

  it('passes throttling on as retryable', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).rejects(awsError('ThrottlingException'));
    await expect(fsxExport.observe(ctxFor(), p)).rejects.toMatchObject({ retryable: true });
  });
});
