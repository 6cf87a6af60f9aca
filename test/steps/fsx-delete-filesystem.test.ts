import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteFileSystemCommand, DescribeDataRepositoryTasksCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-fsx';
import { fsxDeleteFilesystem } from '../../src/steps/fsx-delete-filesystem.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { fixtureRunbook, lustreFs, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => aws.reset());

const PILOT = 'fs-0ccccccccccccccc3';
const tags = [{ Key: 'drctl:runbook', Value: 'storage' }, { Key: 'drctl:resource', Value: 'pilot' }, { Key: 'drctl:side', Value: 'secondary' }];
const memory = { 'fsxPilotLight:secondary': { fileSystemId: PILOT, runId: 'earlier', createdAt: '' } };
const ctxFor = (resource = 'pilot', options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource, stepId: 'delete-dr', operation: 'failback', memory, ...options });

describe('fsx.delete-filesystem', () => {
  it('deletes the pilot light it created, without a final backup, and waits until it is gone', async () => {
    // The pilot light's life as FSx reports it: AVAILABLE, DELETING once, then gone.
    const states = ['AVAILABLE'];
    aws.fsx.on(DescribeFileSystemsCommand).callsFake((input: { FileSystemIds?: string[] }) => {
      const state = states[0];
      if (states.length > 1) states.shift();
      if (state === 'GONE') {
        if (input.FileSystemIds) throw awsError('FileSystemNotFound');
        return { FileSystems: [] };
      }
      return { FileSystems: [lustreFs(PILOT, state ?? 'AVAILABLE', { Tags: tags })] };
    });
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [] });
    aws.fsx.on(DeleteFileSystemCommand).callsFake(() => {
      states.splice(0, states.length, 'DELETING', 'GONE');
      return { FileSystemId: PILOT, Lifecycle: 'DELETING' };
    });
    const ctx = ctxFor();
    const run = await runStep(fsxDeleteFilesystem, ctx);
    expect(run.phases).toEqual(['delete']);
    expect(run.decisions.map((d) => d.state)).toEqual(['apply', 'waiting', 'done']);
    expect(aws.fsx.commandCalls(DeleteFileSystemCommand)[0]?.args[0].input).toMatchObject({ FileSystemId: PILOT, LustreConfiguration: { SkipFinalBackup: true }, ClientRequestToken: ctx.token('delete-filesystem', 63) });
  });

  it('waits for a running task first (FSx refuses to delete meanwhile)', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [PILOT] }).resolves({ FileSystems: [lustreFs(PILOT, 'AVAILABLE', { Tags: tags })] });
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [{ TaskId: 'task-0123456789abcdef0', Lifecycle: 'EXECUTING', Type: 'EXPORT_TO_REPOSITORY', CreationTime: new Date() }] });
    const run = await runStep(fsxDeleteFilesystem, ctxFor(), {}, { maxRounds: 1 });
    expect(run.final.state === 'waiting' && run.final.reason).toContain('FSx refuses to delete a file system while a task runs');
  });

  it('never deletes a file system the runbook declares', async () => {
    const run = await runStep(fsxDeleteFilesystem, ctxFor('lustre'));
    expect(run.final.state === 'blocked' && run.final.reason).toContain('the runbook declares it');
    expect(aws.fsx.commandCalls(DescribeFileSystemsCommand)).toHaveLength(0);
  });

  it('never deletes a file system without its drctl tags', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [PILOT] }).resolves({ FileSystems: [lustreFs(PILOT, 'AVAILABLE', { Tags: [] })] });
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [] });
    const run = await runStep(fsxDeleteFilesystem, ctxFor());
    expect(run.final.state === 'blocked' && run.final.reason).toContain('drctl only deletes what it created');
  });

  it('is done when there is no pilot light', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).resolves({ FileSystems: [] });
    const run = await runStep(fsxDeleteFilesystem, ctxFor('pilot', { memory: {} }));
    expect(run.final.state).toBe('done');
  });

  it('maps a refused delete to an AWS error', async () => {
    aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [PILOT] }).resolves({ FileSystems: [lustreFs(PILOT, 'AVAILABLE', { Tags: tags })] });
    aws.fsx.on(DescribeDataRepositoryTasksCommand).resolves({ DataRepositoryTasks: [] });
    aws.fsx.on(DeleteFileSystemCommand).rejects(awsError('BadRequest', { message: 'tasks running' }));
    const ctx = ctxFor();
    const obs = await fsxDeleteFilesystem.observe(ctx, { side: 'secondary' });
    await expect(fsxDeleteFilesystem.apply(ctx, { side: 'secondary' }, obs, 'delete')).rejects.toMatchObject({ awsErrorName: 'BadRequest' });
  });
});
