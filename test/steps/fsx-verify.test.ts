import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DescribeDataRepositoryAssociationsCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-fsx';
import { fsxVerify } from '../../src/steps/fsx-verify.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR_FS, dra, fixtureRunbook, lustreFs, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => {
  aws.reset();
  aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [DR_FS] }).resolves({ FileSystems: [lustreFs(DR_FS, 'AVAILABLE')] });
});

const RUN = '20260101T000000Z-test-abc123';
const ctxFor = (options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource: 'lustre', stepId: 'verify', runId: RUN, ...options });
const both = (lifecycle = 'AVAILABLE') => ({ Associations: [dra('dra-1', DR_FS, '/data', 's3://lustre-dr/data/', lifecycle), dra('dra-2', DR_FS, '/models', 's3://lustre-dr/models/')] });

describe('fsx.verify', () => {
  it('is done with the mount details, and reports the recovery point accepted in this run', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves(both());
    const memory = { lastFailoverRunId: RUN, primaryUnavailableAtFailover: true, rpoPointAt: '2025-12-31T23:35:00.000Z' };
    const run = await runStep(fsxVerify, ctxFor({ memory }));
    expect(run.final).toMatchObject({ state: 'done', outputs: { fileSystemId: DR_FS, mountName: 'abcdefgh', rpoPointAt: '2025-12-31T23:35:00.000Z' } });
    expect(run.final.state === 'done' && run.final.reason).toContain('recovery point accepted: 2025-12-31T23:35:00.000Z');
  });

  it('waits while an association is still CREATING', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves(both('CREATING'));
    const run = await runStep(fsxVerify, ctxFor(), {}, { maxRounds: 1 });
    expect(run.final.state).toBe('waiting');
  });

  it('refuses with every problem listed', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({ Associations: [dra('dra-1', DR_FS, '/data', 's3://lustre-dr/data/', 'MISCONFIGURED')] });
    const run = await runStep(fsxVerify, ctxFor());
    expect(run.final.state === 'blocked' && run.final.reason).toContain('association dra-1 (/data) is MISCONFIGURED; no association for /models');
  });

  it('passes throttling on as retryable', async () => {
    aws.fsx.on(DescribeFileSystemsCommand).rejects(awsError('ThrottlingException'));
    await expect(fsxVerify.observe(ctxFor(), { side: 'secondary' })).rejects.toMatchObject({ retryable: true });
  });
});
