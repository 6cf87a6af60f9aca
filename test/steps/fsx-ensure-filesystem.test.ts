import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateFileSystemCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-fsx';
import { fsxEnsureFilesystem } from '../../src/steps/fsx-ensure-filesystem.js';
import { StepError } from '../../src/errors.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR_FS, DR_REGION, fixtureRunbook, lustreFs, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => aws.reset());

const RUN = '20260101T000000Z-test-abc123';
const NEW_FS = 'fs-0ccccccccccccccc3';
const ctxFor = (resource: string, options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource, stepId: 'dr-filesystem', runId: RUN, ...options });
const drctlTags = [
  { Key: 'drctl:runbook', Value: 'storage' },
  { Key: 'drctl:resource', Value: 'pilot' },
  { Key: 'drctl:side', Value: 'secondary' },
];

describe('fsx.ensure-filesystem', () => {
  it('is done when the declared file system is AVAILABLE, with what clients need to mount it', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [DR_FS] }).resolves({ FileSystems: [lustreFs(DR_FS, 'AVAILABLE')] });
    const run = await runStep(fsxEnsureFilesystem, ctxFor('lustre'));
    expect(run.final).toMatchObject({ state: 'done', outputs: { fileSystemId: DR_FS, dnsName: `${DR_FS}.fsx.example.com`, mountName: 'abcdefgh', pilotLight: false } });
    expect(aws.fsx.commandCalls(CreateFileSystemCommand)).toHaveLength(0);
  });

  it('refuses a declared file system that does not exist, naming account and region', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).rejects(awsError('FileSystemNotFound'));
    const run = await runStep(fsxEnsureFilesystem, ctxFor('lustre'));
    expect(run.final.state === 'blocked' && run.final.reason).toBe(`FSx file system ${DR_FS} was not found in dr (222222222222) us-west-2`);
  });

  it('refuses a declared file system whose deployment cannot have data repository associations', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).resolves({ FileSystems: [lustreFs(DR_FS, 'AVAILABLE', { LustreConfiguration: { DeploymentType: 'SCRATCH_1' } })] });
    const run = await runStep(fsxEnsureFilesystem, ctxFor('lustre'));
    expect(run.final.state === 'blocked' && run.final.reason).toContain('SCRATCH_1');
  });

  it('creates the pilot light once with a deterministic token and drctl tags, then waits for AVAILABLE', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).resolves({ FileSystems: [] });
    aws.fsx.on(CreateFileSystemCommand).callsFake(() => {
      aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [NEW_FS] }).resolvesOnce({ FileSystems: [lustreFs(NEW_FS, 'CREATING')] }).resolves({ FileSystems: [lustreFs(NEW_FS, 'AVAILABLE')] });
      return { FileSystem: lustreFs(NEW_FS, 'CREATING') };
    });
    const ctx = ctxFor('pilot');
    const run = await runStep(fsxEnsureFilesystem, ctx);
    expect(run.phases).toEqual(['create']);
    expect(run.decisions.map((d) => d.state)).toEqual(['apply', 'waiting', 'done']);
    expect(run.final).toMatchObject({ outputs: { fileSystemId: NEW_FS, pilotLight: true } });
    const input = aws.fsx.commandCalls(CreateFileSystemCommand)[0]?.args[0].input;
    expect(input).toEqual({
      ClientRequestToken: ctx.token('filesystem', 63),
      FileSystemType: 'LUSTRE',
      FileSystemTypeVersion: '2.15',
      StorageCapacity: 1200,
      StorageType: 'SSD',
      SubnetIds: ['subnet-0123456789abcdef0'],
      SecurityGroupIds: ['sg-0123'],
      Tags: [{ Key: 'Name', Value: 'pilot-secondary' }, ...drctlTags, { Key: 'drctl:created-by-run', Value: RUN }],
      LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
    });
    expect(ctx.calls.find((c) => c.operation === 'CreateFileSystem')).toMatchObject({ account: 'dr', region: DR_REGION });
    expect(ctx.saved['fsxPilotLight:secondary']).toMatchObject({ fileSystemId: NEW_FS, runId: RUN });
  });

  it('finds the pilot light it remembered on resume instead of creating another', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [NEW_FS] }).resolves({ FileSystems: [lustreFs(NEW_FS, 'CREATING')] });
    const ctx = ctxFor('pilot', { memory: { 'fsxPilotLight:secondary': { fileSystemId: NEW_FS, runId: RUN, createdAt: '2026-01-01T00:00:00Z' } } });
    const run = await runStep(fsxEnsureFilesystem, ctx, {}, { maxRounds: 1 });
    expect(run.final).toMatchObject({ state: 'waiting' });
    expect(run.final.state === 'waiting' && run.final.reason).toContain(`${NEW_FS} in dr (222222222222) us-west-2 is CREATING`);
    expect(aws.fsx.commandCalls(CreateFileSystemCommand)).toHaveLength(0);
  });

  it('finds a pilot light created before an interruption by its tags', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).resolves({
      FileSystems: [
        lustreFs('fs-0ddddddddddddddd4', 'AVAILABLE', { Tags: [{ Key: 'drctl:resource', Value: 'other' }] }),
        lustreFs(NEW_FS, 'AVAILABLE', { Tags: drctlTags }),
      ],
    });
    const run = await runStep(fsxEnsureFilesystem, ctxFor('pilot'));
    expect(run.final).toMatchObject({ state: 'done', outputs: { fileSystemId: NEW_FS } });
    expect(run.final.state === 'done' && run.final.reason).toContain('found by tags');
    expect(aws.fsx.commandCalls(CreateFileSystemCommand)).toHaveLength(0);
  });

  it('fails with FSx\'s reason and what to do when the pilot light FAILED', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [NEW_FS] }).resolves({ FileSystems: [lustreFs(NEW_FS, 'FAILED', { FailureDetails: { Message: 'subnet has no free IP addresses' } })] });
    const ctx = ctxFor('pilot', { memory: { 'fsxPilotLight:secondary': { fileSystemId: NEW_FS, runId: RUN, createdAt: '' } } });
    const err = await runStep(fsxEnsureFilesystem, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toContain('is FAILED: subnet has no free IP addresses');
    expect((err as StepError).hint).toContain(`aws fsx delete-file-system --file-system-id ${NEW_FS}`);
  });

  it('passes throttling on as retryable', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).rejects(awsError('ThrottlingException'));
    await expect(fsxEnsureFilesystem.observe(ctxFor('lustre'), { side: 'secondary' })).rejects.toMatchObject({ retryable: true, awsErrorName: 'ThrottlingException' });
  });

  it('lists its calls, with the create only for a pilot light', () => {
    const ctx = ctxFor('pilot');
    expect(fsxEnsureFilesystem.calls({ side: 'secondary' }, ctx).map((c) => c.operation)).toEqual(['DescribeFileSystems', 'CreateFileSystem']);
    expect(fsxEnsureFilesystem.calls({ side: 'secondary' }, ctxFor('lustre')).map((c) => c.operation)).toEqual(['DescribeFileSystems']);
  });
});
