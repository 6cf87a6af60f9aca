import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GetBucketLocationCommand, GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { s3EnsureVersioning } from '../../src/steps/s3-ensure-versioning.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR_REGION, fixtureRunbook, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => aws.reset());

const ctxFor = (options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource: 'media', stepId: 'versioning', ...options });

function located() {
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-prod' }).resolves({});
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-dr' }).resolves({ LocationConstraint: DR_REGION });
}

function versioning(bucket: string, status: 'Enabled' | 'Suspended' | undefined) {
  aws.s3.on(GetBucketVersioningCommand, { Bucket: bucket }).resolves(status ? { Status: status } : {});
}

describe('s3.ensure-versioning', () => {
  it('is done without writing when both buckets are versioned', async () => {
    located();
    versioning('media-prod', 'Enabled');
    versioning('media-dr', 'Enabled');
    const run = await runStep(s3EnsureVersioning, ctxFor());
    expect(run.final).toMatchObject({ state: 'done', outputs: { versionedBuckets: ['media-prod', 'media-dr'] } });
    expect(aws.s3.commandCalls(PutBucketVersioningCommand)).toHaveLength(0);
  });

  it('enables versioning on a bucket that never had it, then waits until S3 shows it', async () => {
    located();
    versioning('media-prod', 'Enabled');
    versioning('media-dr', undefined);
    aws.s3.on(PutBucketVersioningCommand).resolves({});
    const ctx = ctxFor();
    const first = await runStep(s3EnsureVersioning, ctx, {}, { maxRounds: 2 });
    expect(first.phases).toEqual(['enable:media-dr']);
    expect(first.decisions[1]).toMatchObject({ state: 'waiting' });
    expect(aws.s3.commandCalls(PutBucketVersioningCommand)[0]?.args[0].input).toEqual({
      Bucket: 'media-dr',
      ExpectedBucketOwner: '222222222222',
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(ctx.notes.join('\n')).toContain('15 minutes');
    versioning('media-dr', 'Enabled');
    const second = await runStep(s3EnsureVersioning, ctx);
    expect(second.final.state).toBe('done');
  });

  it('refuses to undo a suspension someone made, naming the bucket and the command to fix it', async () => {
    located();
    versioning('media-prod', 'Suspended');
    versioning('media-dr', 'Enabled');
    const run = await runStep(s3EnsureVersioning, ctxFor());
    expect(run.final.state).toBe('blocked');
    if (run.final.state !== 'blocked') return;
    expect(run.final.reason).toContain('versioning of bucket media-prod (primary, prod (111111111111) us-east-1) is Suspended');
    expect(run.final.hint).toContain('put-bucket-versioning --bucket media-prod');
    expect(run.final.hint).toContain('--force');
  });

  it('re-enables a suspended bucket with --force', async () => {
    located();
    versioning('media-prod', 'Suspended');
    versioning('media-dr', 'Enabled');
    aws.s3.on(PutBucketVersioningCommand).resolves({});
    const run = await runStep(s3EnsureVersioning, ctxFor({ flags: { force: true } }), {}, { maxRounds: 1 });
    expect(run.phases).toEqual(['enable:media-prod']);
  });

  it('checks only the secondary bucket when the primary is unavailable', async () => {
    located();
    versioning('media-dr', 'Enabled');
    const run = await runStep(s3EnsureVersioning, ctxFor({ flags: { primaryUnavailable: true } }));
    expect(run.final.state).toBe('done');
    expect(run.final.state === 'done' && run.final.reason).toContain('not checked, primary unavailable: media-prod');
    expect(aws.s3.commandCalls(GetBucketVersioningCommand, { Bucket: 'media-prod' })).toHaveLength(0);
  });

  it('refuses a bucket that does not exist', async () => {
    located();
    versioning('media-dr', 'Enabled');
    aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-prod' }).rejects(awsError('NoSuchBucket', { status: 404 }));
    const run = await runStep(s3EnsureVersioning, ctxFor());
    expect(run.final.state === 'blocked' && run.final.reason).toContain('bucket media-prod does not exist in account prod (111111111111) us-east-1');
  });

  it('surfaces throttling as retryable and AccessDenied as not', async () => {
    located();
    aws.s3.on(GetBucketVersioningCommand).rejectsOnce(awsError('SlowDown', { status: 503 })).rejects(awsError('AccessDenied', { status: 403 }));
    const ctx = ctxFor();
    await expect(s3EnsureVersioning.observe(ctx, s3EnsureVersioning.params.parse({}))).rejects.toMatchObject({ awsErrorName: 'SlowDown', retryable: true });
    await expect(s3EnsureVersioning.observe(ctx, s3EnsureVersioning.params.parse({}))).rejects.toMatchObject({ awsErrorName: 'AccessDenied', retryable: false, account: 'prod' });
  });
});
