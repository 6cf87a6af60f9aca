import { beforeEach, describe, expect, it } from 'vitest';
import { efsWaitInSync } from '../../src/steps/efs-wait-in-sync.js';
import { awsError, buildStepContext, EFS_SECONDARY_ID } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { EfsFixture, replication } from './efs-fixtures.js';

const aws = new EfsFixture();
const QUIESCED = '2026-01-01T00:10:00.000Z';
const NOW = Date.parse('2026-01-01T00:12:00Z');

function context(options: StepContextOptions = {}) {
  return buildStepContext({ stepId: 'wait-in-sync', operation: 'failback', outputs: { quiesce: { approvedAt: QUIESCED } }, ...options });
}

async function decide(options: StepContextOptions = {}) {
  const ctx = context(options);
  ctx.clock.set(NOW);
  const p = efsWaitInSync.params.parse({ from: 'secondary', to: 'primary', after: 'quiesce' });
  return efsWaitInSync.decide(await efsWaitInSync.observe(ctx, p), p, ctx);
}

beforeEach(() => {
  aws.reset(NOW);
  aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
});

describe('efs.wait-in-sync', () => {
  it('is done once the replication has synced after writers stopped', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date('2026-01-01T00:11:00Z'))];
    expect(await decide()).toMatchObject({ state: 'done', outputs: { syncedAt: '2026-01-01T00:11:00.000Z', quiescedAt: QUIESCED } });
  });

  it('waits while the last sync is before the quiesce time', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date('2026-01-01T00:09:00Z'))];
    const decision = await decide();
    expect(decision.state).toBe('waiting');
    expect(decision.reason).toContain('last synced 2026-01-01T00:09:00.000Z; waiting for a sync after 2026-01-01T00:10:00.000Z (2m since writers stopped)');
  });

  it('waits during the initial sync', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLING')];
    expect((await decide()).reason).toContain('initial sync still running');
  });

  it('refuses when there is no such replication', async () => {
    aws.replications = [];
    expect(await decide()).toMatchObject({ state: 'blocked' });
  });

  it('refuses when the quiesce step has no approval time', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date(NOW))];
    const decision = await decide({ outputs: {} });
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain("step 'quiesce' has not recorded when writers stopped");
  });

  it('maps AWS errors with the account and region of the source side', async () => {
    aws.failNext('DescribeReplicationConfigurationsCommand', awsError('InternalServerError', { status: 500, requestId: 'r-500' }));
    await expect(decide()).rejects.toMatchObject({ awsErrorName: 'InternalServerError', requestId: 'r-500', account: 'dr', region: 'us-west-2', retryable: true });
  });
});
