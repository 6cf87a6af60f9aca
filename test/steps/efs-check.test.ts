import { beforeEach, describe, expect, it } from 'vitest';
import { efsCheck } from '../../src/steps/efs-check.js';
import { buildStepContext, EFS_PRIMARY_ID, EFS_SECONDARY_ID, awsError, runStep, testRunbook, testRunbookInput } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { EfsFixture, replication } from './efs-fixtures.js';

const aws = new EfsFixture();
const NOW = Date.parse('2026-01-01T00:00:00Z');

async function check(expect: 'replicating' | 'promoted' | 'auto' = 'replicating', options: StepContextOptions = {}) {
  const ctx = buildStepContext({ stepId: 'preflight', ...options });
  const run = await runStep(efsCheck, ctx, { expect });
  return { ctx, decision: run.final };
}

beforeEach(() => {
  aws.reset(NOW, 60_000);
});

describe('efs.check (replicating)', () => {
  it('is done when replication is ENABLED, synced within RPO and DR mount targets are ready, with the measured lag', async () => {
    const { decision } = await check();
    expect(decision.state).toBe('done');
    if (decision.state !== 'done') return;
    expect(decision.outputs).toEqual({
      replicationStatus: 'ENABLED',
      lagSeconds: 60,
      lastReplicatedAt: '2025-12-31T23:59:00.000Z',
      rpoSeconds: 900,
      drMountTargetAzs: ['us-west-2a', 'us-west-2b'],
    });
    expect(decision.reason).toContain('lag 1m within RPO 15m');
  });

  it('refuses when the lag exceeds the RPO, naming the measured lag', async () => {
    aws.reset(NOW, 32 * 60_000);
    const { decision } = await check();
    expect(decision).toMatchObject({ state: 'blocked' });
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toBe('replication lag 32m exceeds the RPO of 15m (last replicated 2025-12-31T23:28:00.000Z)');
    expect(decision.hint).toContain('--force');
  });

  it('accepts a lag beyond RPO with --force and says so', async () => {
    aws.reset(NOW, 32 * 60_000);
    const { decision } = await check('replicating', { flags: { force: true } });
    expect(decision.state).toBe('done');
    expect(decision.reason).toContain('accepted with --force');
    if (decision.state === 'done') expect(decision.outputs?.lagSeconds).toBe(1920);
  });

  it('refuses while the initial sync has not finished', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED')];
    const { decision } = await check();
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain('initial sync');
  });

  it('refuses a replication that is not ENABLED, with a hint per status', async () => {
    aws.replications = [replication('primary-to-secondary', 'PAUSED', new Date(NOW - 60_000), { statusMessage: 'region opted out' })];
    const { decision } = await check();
    expect(decision.state).toBe('blocked');
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toContain('PAUSED (region opted out)');
    expect(decision.hint).toContain('--primary-unavailable');
  });

  it('refuses when the DR file system is missing or not available', async () => {
    aws.fileSystems.delete(EFS_SECONDARY_ID);
    let { decision } = await check();
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain(`${EFS_SECONDARY_ID} (secondary: account dr 222222222222, us-west-2) was not found`);
    aws.reset(NOW);
    aws.fs(EFS_PRIMARY_ID).lifeCycleState = 'updating';
    ({ decision } = await check());
    expect(decision.reason).toContain('is updating, not available');
  });

  it('refuses without available DR mount targets in enough AZs', async () => {
    aws.fs(EFS_SECONDARY_ID).mountTargets = [{ az: 'us-west-2a' }, { az: 'us-west-2b', state: 'creating' }];
    const { decision } = await check();
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain('in 1 availability zone(s), 2 required');
  });

  it('needs one AZ for a One Zone DR file system', async () => {
    aws.fs(EFS_SECONDARY_ID).availabilityZoneName = 'us-west-2a';
    aws.fs(EFS_SECONDARY_ID).mountTargets = [{ az: 'us-west-2a' }];
    const { decision } = await check();
    expect(decision.state).toBe('done');
  });

  it('checks the exact AZs when the runbook lists them', async () => {
    const input = testRunbookInput();
    const resource = (input.filesystems as Record<string, Record<string, unknown>>)['efs-prod']!;
    resource.mountTargets = { availabilityZones: ['us-west-2a', 'us-west-2c'] };
    const { decision } = await check('replicating', { runbook: testRunbook(input) });
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain('no available mount target in us-west-2c');
  });

  it('passes when the resource is already failed over (DR writable, in no replication), so a re-run finishes the later steps', async () => {
    aws.replications = [];
    aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
    const { decision } = await check('replicating', { memory: { lastFailoverAt: '2025-12-31T22:00:00.000Z' } });
    expect(decision.state).toBe('done');
    if (decision.state !== 'done') return;
    expect(decision.reason).toContain('is already failed over (drctl failed it over at 2025-12-31T22:00:00.000Z)');
    expect(decision.outputs).toMatchObject({ alreadyFailedOver: true });
    expect(decision.procedureDone).toBeUndefined();
  });

  it('passes while the replication is DELETING (a promotion under way), so promote can wait for it', async () => {
    aws.replications = [replication('primary-to-secondary', 'DELETING', new Date(NOW - 60_000))];
    const { decision } = await check('replicating');
    expect(decision.state).toBe('done');
    if (decision.state !== 'done') return;
    expect(decision.reason).toContain('promotion is already under way');
  });

  it('with --primary-unavailable only calls the DR side and accepts a PAUSED replication', async () => {
    aws.replications = [replication('primary-to-secondary', 'PAUSED', new Date(NOW - 60_000))];
    const { ctx, decision } = await check('replicating', { flags: { primaryUnavailable: true } });
    expect(decision.state).toBe('done');
    expect(decision.reason).toContain('accepted: the primary is marked unavailable');
    expect(ctx.calls.every((c) => c.region === 'us-west-2')).toBe(true);
    expect(efsCheck.sides(efsCheck.params.parse({ expect: 'replicating' }), { ...ctx, operation: 'failover' })).toEqual(['secondary']);
  });

  it('maps an AWS failure to an error naming the account and region', async () => {
    aws.failNext('DescribeMountTargetsCommand', awsError('AccessDeniedException', { status: 403, requestId: 'req-denied' }));
    const err = await check().catch((e: unknown) => e);
    expect(err).toMatchObject({ awsErrorName: 'AccessDeniedException', requestId: 'req-denied', account: 'dr', region: 'us-west-2', retryable: false });
  });

  it('marks throttling as retryable', async () => {
    aws.failNext('DescribeFileSystemsCommand', awsError('ThrottlingException', { status: 429 }));
    await expect(check()).rejects.toMatchObject({ awsErrorName: 'ThrottlingException', retryable: true });
  });

  it('lists every read it makes, with ARNs, for plans and IAM policies', () => {
    const ctx = buildStepContext();
    const calls = efsCheck.calls(efsCheck.params.parse({ expect: 'replicating' }), { ...ctx, operation: 'failover' });
    expect(calls.map((c) => `${c.account}:${c.region}:${c.operation}`)).toEqual([
      'prod:us-east-1:DescribeFileSystems',
      'prod:us-east-1:DescribeReplicationConfigurations',
      'dr:us-west-2:DescribeFileSystems',
      'dr:us-west-2:DescribeReplicationConfigurations',
      'dr:us-west-2:DescribeMountTargets',
    ]);
    expect(calls[0]?.resources).toEqual([`arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/${EFS_PRIMARY_ID}`]);
  });
});

describe('efs.check (promoted, failback preflight)', () => {
  beforeEach(() => {
    aws.replications = [];
    aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
  });

  it('is done when the DR side is writable and in no replication', async () => {
    const { decision } = await check('promoted');
    expect(decision).toMatchObject({ state: 'done', outputs: { secondaryProtection: 'ENABLED', orphanOnPrimary: false, reverseReplicationStatus: null } });
  });

  it('is chosen by `auto` for a failback', async () => {
    const { decision } = await check('auto', { operation: 'failback' });
    expect(decision.state).toBe('done');
    expect(decision.reason).toContain('is writable');
  });

  it('reports an orphan left on the primary instead of refusing', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW - 3_600_000), { listedIn: ['us-east-1'] })];
    const { decision } = await check('promoted');
    expect(decision).toMatchObject({ state: 'done', outputs: { orphanOnPrimary: true } });
  });

  it('has nothing to do when the primary replicates to the DR copy again (a finished failback)', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW))];
    aws.fs(EFS_SECONDARY_ID).protection = 'REPLICATING';
    const { decision } = await check('promoted');
    expect(decision).toMatchObject({ state: 'done', procedureDone: true });
    expect(decision.reason).toContain('nothing to fail back');
  });

  it('refuses when the resource is not failed over and its replication has not synced yet', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED')];
    aws.fs(EFS_SECONDARY_ID).protection = 'REPLICATING';
    const { decision } = await check('promoted');
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain('is not failed over');
  });

  it('refuses with --primary-unavailable: a failback needs the primary', async () => {
    const { decision } = await check('promoted', { flags: { primaryUnavailable: true } });
    expect(decision.state).toBe('blocked');
    expect(decision.reason).toContain('needs the primary region us-east-1');
  });
});
