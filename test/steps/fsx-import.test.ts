import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateDataRepositoryTaskCommand, DescribeDataRepositoryAssociationsCommand, DescribeDataRepositoryTasksCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-fsx';
import { fsxImport } from '../../src/steps/fsx-import.js';
import { fsxRelease } from '../../src/steps/fsx-release.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import { DR_FS, DR_REGION, dra, fixtureRunbook, lustreFs, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());

beforeEach(() => {
  aws.reset();
  aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [DR_FS] }).resolves({ FileSystems: [lustreFs(DR_FS, 'AVAILABLE')] });
  aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({
    Associations: [dra('dra-1', DR_FS, '/data', 's3://lustre-dr/data/'), dra('dra-2', DR_FS, '/models', 's3://lustre-dr/models/')],
  });
  aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [] });
});

const ctxFor = (stepId: string) => buildStepContext({ runbook: fixtureRunbook(), resource: 'lustre', stepId, operation: 'failover' });

describe('fsx.import', () => {
  it('imports from the linked S3 locations of the DR side', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).resolves({ DataRepositoryTask: { TaskId: 'task-0123456789abcdef0', Lifecycle: 'PENDING', Type: 'IMPORT_METADATA_FROM_REPOSITORY', CreationTime: new Date() } });
    const ctx = ctxFor('import-dr');
    const run = await runStep(fsxImport, ctx, {}, { maxRounds: 1 });
    expect(run.phases).toEqual(['create-g1#1']);
    const input = aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Type: 'IMPORT_METADATA_FROM_REPOSITORY', FileSystemId: DR_FS, Paths: ['s3://lustre-dr/data/', 's3://lustre-dr/models/'] });
    expect(ctx.calls.find((c) => c.operation === 'CreateDataRepositoryTask')).toMatchObject({ account: 'dr', region: DR_REGION });
  });

  it('imports only the paths it is given', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).resolves({ DataRepositoryTask: { TaskId: 'task-0123456789abcdef0', Lifecycle: 'PENDING', Type: 'IMPORT_METADATA_FROM_REPOSITORY', CreationTime: new Date() } });
    await runStep(fsxImport, ctxFor('import-dr'), { paths: ['/models'], report: false }, { maxRounds: 1 });
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)[0]?.args[0].input).toMatchObject({ Paths: ['s3://lustre-dr/models/'], Report: { Enabled: false } });
  });

  it('surfaces an unexpected refusal with the AWS error name', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).rejects(awsError('BadRequest', { message: 'invalid path' }));
    const ctx = ctxFor('import-dr');
    const p = fsxImport.params.parse({});
    const obs = await fsxImport.observe(ctx, p);
    await expect(fsxImport.apply(ctx, p, obs, 'create-g1#1')).rejects.toMatchObject({ awsErrorName: 'BadRequest', retryable: false });
  });
});

describe('fsx.release', () => {
  it('releases exported data older than the given age, keeping it in S3', async () => {
    aws.fsx.on(CreateDataRepositoryTaskCommand).resolves({ DataRepositoryTask: { TaskId: 'task-0123456789abcdef0', Lifecycle: 'PENDING', Type: 'RELEASE_DATA_FROM_FILESYSTEM', CreationTime: new Date() } });
    await runStep(fsxRelease, ctxFor('release-dr'), { olderThanDays: 3 }, { maxRounds: 1 });
    expect(aws.fsx.commandCalls(CreateDataRepositoryTaskCommand)[0]?.args[0].input).toMatchObject({
      Type: 'RELEASE_DATA_FROM_FILESYSTEM',
      Paths: ['data', 'models'],
      ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS', Value: 3 } },
    });
  });
});
