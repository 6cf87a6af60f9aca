import { beforeEach, describe, expect, it } from 'vitest';
import { efsRemoveOrphan } from '../../src/steps/efs-remove-orphan.js';
import { awsError, buildStepContext, EFS_PRIMARY_ID, EFS_SECONDARY_ID, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DeleteReplicationConfigurationCommand, EfsFixture, replication } from './efs-fixtures.js';

const aws = new EfsFixture();
const NOW = Date.parse('2026-01-01T00:00:00Z');
const ORPHAN = { account: 'prod', region: 'us-east-1', sourceFileSystemId: EFS_PRIMARY_ID, recordedAt: '2025-12-31T20:00:00.000Z' };

function context(options: StepContextOptions = {}) {
  return buildStepContext({ stepId: 'remove-orphan', operation: 'failback', ...options });
}

beforeEach(() => {
  aws.reset(NOW);
  aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
  // The DR side dropped the configuration during an outage; the primary still lists it.
  aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW - 3_600_000), { listedIn: ['us-east-1'] })];
});

describe('efs.remove-orphan', () => {
  it('deletes the orphan on the primary side only and forgets it', async () => {
    const ctx = context({ memory: { orphan: ORPHAN } });
    const p = efsRemoveOrphan.params.parse({});
    const obs = await efsRemoveOrphan.observe(ctx, p);
    const decision = efsRemoveOrphan.decide(obs, p, ctx);
    expect(decision).toMatchObject({ state: 'apply', phase: 'delete-orphan', calls: [{ account: 'prod', region: 'us-east-1', params: { DeletionMode: 'LOCAL_CONFIGURATION_ONLY' } }] });
    await efsRemoveOrphan.apply(ctx, p, obs, 'delete-orphan');
    ctx.applied.push({ phase: 'delete-orphan', at: NOW });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }]);
    expect(ctx.calls.find((c) => c.operation === 'DeleteReplicationConfiguration')).toMatchObject({ account: 'prod', region: 'us-east-1' });
    expect('orphan' in ctx.saved && ctx.saved.orphan === undefined).toBe(true);

    aws.replications[0]!.status = 'DELETING';
    expect(efsRemoveOrphan.decide(await efsRemoveOrphan.observe(ctx, p), p, ctx).state).toBe('waiting');
    aws.replications = [];
    expect(efsRemoveOrphan.decide(await efsRemoveOrphan.observe(ctx, p), p, ctx)).toMatchObject({ state: 'done', outputs: { orphanRemoved: true } });
  });

  it('has nothing to do when the primary lists no replication', async () => {
    aws.replications = [];
    const run = await runStep(efsRemoveOrphan, context());
    expect(run.final).toMatchObject({ state: 'done', outputs: { orphanRemoved: false } });
    expect(run.phases).toEqual([]);
  });

  it('leaves a configuration both sides list alone: that is live replication', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW))];
    const run = await runStep(efsRemoveOrphan, context());
    expect(run.final.state).toBe('done');
    expect(run.final.reason).toContain('live replication, not an orphan');
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([]);
  });

  it('refuses with --primary-unavailable without calling AWS', async () => {
    const ctx = context({ flags: { primaryUnavailable: true } });
    const run = await runStep(efsRemoveOrphan, ctx);
    expect(run.final.state).toBe('blocked');
    expect(ctx.calls).toEqual([]);
  });

  it('maps a failure of the delete with the AWS error name and request id', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('BadRequest', { status: 400, requestId: 'r-77', message: 'LOCAL_CONFIGURATION_ONLY not allowed' }));
    await expect(runStep(efsRemoveOrphan, context())).rejects.toMatchObject({ awsErrorName: 'BadRequest', requestId: 'r-77', account: 'prod', region: 'us-east-1', retryable: false });
  });

  it('marks throttling retryable', async () => {
    aws.failNext('DescribeReplicationConfigurationsCommand', awsError('TooManyRequests', { status: 429 }));
    await expect(runStep(efsRemoveOrphan, context())).rejects.toMatchObject({ retryable: true });
  });
});
