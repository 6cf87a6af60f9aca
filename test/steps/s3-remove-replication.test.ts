import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteBucketReplicationCommand, GetBucketLocationCommand, GetBucketReplicationCommand, PutBucketReplicationCommand } from '@aws-sdk/client-s3';
import { s3RemoveReplication } from '../../src/steps/s3-remove-replication.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import { DR_REGION, REVERSE_ROLE, fixtureRunbook, mockAws, rule } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => {
  aws.reset();
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-dr' }).resolves({ LocationConstraint: DR_REGION });
});

const ctxFor = (memory = {}) => buildStepContext({ runbook: fixtureRunbook(), resource: 'media', stepId: 'unreplicate', memory });
const ours = rule('drctl', 'media-prod', { Filter: { Prefix: 'media/' } });
const theirs = rule('audit-copy', 'audit-bucket', { Priority: 5 });

describe('s3.remove-replication', () => {
  it('is done when no drctl rule is left', async () => {
    aws.s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [theirs] } });
    const run = await runStep(s3RemoveReplication, ctxFor(), { from: 'secondary' });
    expect(run.final.state).toBe('done');
    expect(run.phases).toEqual([]);
  });

  it('writes the configuration back without its rule, keeping the others', async () => {
    aws.s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [theirs, ours] } });
    aws.s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = ctxFor({ 's3rule:media-dr/drctl': { id: 'drctl' } });
    const run = await runStep(s3RemoveReplication, ctx, { from: 'secondary' }, { maxRounds: 2 });
    expect(run.phases).toEqual(['remove:media-dr#1']);
    expect(run.decisions[1]).toMatchObject({ state: 'waiting' });
    expect(aws.s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input.ReplicationConfiguration).toEqual({ Role: REVERSE_ROLE, Rules: [theirs] });
    expect(ctx.saved['s3rule:media-dr/drctl']).toBeNull();
  });

  it('deletes the configuration when its rule was the only one', async () => {
    aws.s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [ours] } });
    aws.s3.on(DeleteBucketReplicationCommand).callsFake(() => {
      aws.s3.on(GetBucketReplicationCommand).rejects(awsError('ReplicationConfigurationNotFoundError', { status: 404 }));
      return {};
    });
    const run = await runStep(s3RemoveReplication, ctxFor(), { from: 'secondary' });
    expect(run.phases).toEqual(['remove:media-dr#1']);
    expect(run.final.state).toBe('done');
    expect(aws.s3.commandCalls(DeleteBucketReplicationCommand)[0]?.args[0].input).toEqual({ Bucket: 'media-dr', ExpectedBucketOwner: '222222222222' });
    expect(aws.s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
  });

  it('fails with the AWS error when the removal is denied', async () => {
    aws.s3.on(GetBucketReplicationCommand).resolves({ ReplicationConfiguration: { Role: REVERSE_ROLE, Rules: [ours] } });
    aws.s3.on(DeleteBucketReplicationCommand).rejects(awsError('AccessDenied', { status: 403 }));
    const ctx = ctxFor();
    const obs = await s3RemoveReplication.observe(ctx, { from: 'secondary' });
    await expect(s3RemoveReplication.apply(ctx, { from: 'secondary' }, obs, 'remove:media-dr#1')).rejects.toMatchObject({ awsErrorName: 'AccessDenied', accountId: '222222222222', region: DR_REGION });
  });

  it('passes throttling on to the engine as retryable', async () => {
    aws.s3.on(GetBucketReplicationCommand).rejects(awsError('SlowDown', { status: 503 }));
    await expect(s3RemoveReplication.observe(ctxFor(), { from: 'secondary' })).rejects.toMatchObject({ retryable: true });
  });
});
