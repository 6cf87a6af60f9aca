import { beforeEach, describe, expect, it } from 'vitest';
import { efsPromote } from '../../src/steps/efs-promote.js';
import type { EfsPromoteParams } from '../../src/steps/efs-promote.js';
import { awsError, buildStepContext, EFS_PRIMARY_ID, EFS_SECONDARY_ID, networkError } from '../helpers/step-context.js';
import type { StepContextOptions, TestStepContext } from '../helpers/step-context.js';
import { DeleteReplicationConfigurationCommand, EfsFixture, replication, UpdateFileSystemProtectionCommand } from './efs-fixtures.js';

const aws = new EfsFixture();
const NOW = Date.parse('2026-01-01T00:00:00Z');
const LAST_SYNC = '2025-12-31T23:59:00.000Z';

function setup(raw: Partial<EfsPromoteParams> = {}, options: StepContextOptions = {}) {
  const ctx = buildStepContext({ stepId: 'promote', ...options });
  const p = efsPromote.params.parse(raw);
  return { ctx, p };
}

async function decideNow(ctx: TestStepContext, p: EfsPromoteParams) {
  const obs = await efsPromote.observe(ctx, p);
  return { obs, decision: efsPromote.decide(obs, p, ctx) };
}

/** Applies the decided phase like the engine does and records it in ctx.applied. */
async function applyDecided(ctx: TestStepContext, p: EfsPromoteParams) {
  const { obs, decision } = await decideNow(ctx, p);
  if (decision.state !== 'apply') throw new Error(`expected apply, got ${decision.state}: ${decision.reason}`);
  const outputs = await efsPromote.apply(ctx, p, obs, decision.phase);
  ctx.applied.push({ phase: decision.phase, at: ctx.clock.now() });
  return { decision, outputs };
}

/** What EFS does once a deletion completes: the configuration is gone and the destination writable. */
function deletionFinished() {
  aws.replications = [];
  aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
}

beforeEach(() => {
  aws.reset(NOW, 60_000);
});

describe('efs.promote (failover)', () => {
  it('is already done when the DR side is writable and in no replication, and makes no change', async () => {
    deletionFinished();
    const { ctx, p } = setup({}, { memory: { rpoPointAt: LAST_SYNC } });
    const { decision } = await decideNow(ctx, p);
    expect(decision).toMatchObject({ state: 'done', outputs: { promotedFileSystemId: EFS_SECONDARY_ID, rpoPointAt: LAST_SYNC } });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([]);
  });

  it('waits while the replication is DELETING', async () => {
    aws.replications = [replication('primary-to-secondary', 'DELETING', new Date(NOW - 60_000))];
    const { ctx, p } = setup();
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('waiting');
    expect(decision.reason).toContain('waiting for the deletion to finish');
  });

  it('deletes the replication from the DR account and region with ALL_CONFIGURATIONS, after verifying the account', async () => {
    const { ctx, p } = setup();
    const { decision, outputs } = await applyDecided(ctx, p);
    expect(decision).toMatchObject({ phase: 'delete', calls: [{ operation: 'DeleteReplicationConfiguration', account: 'dr', region: 'us-west-2' }] });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'ALL_CONFIGURATIONS' }]);
    expect(ctx.calls.map((c) => `${c.service}:${c.operation}:${c.region}`)).toContain('sts:GetCallerIdentity:us-west-2');
    expect(outputs).toMatchObject({ deletionMode: 'ALL_CONFIGURATIONS', rpoPointAt: LAST_SYNC });
    expect(ctx.saved).toMatchObject({ lastFailoverAt: '2026-01-01T00:00:00.000Z', rpoPointAt: LAST_SYNC, primaryUnavailableAtFailover: false });
    expect(ctx.saved.orphan).toBeUndefined();

    // EFS is deleting: the same phase is not applied again, the step waits.
    aws.replications[0]!.status = 'DELETING';
    expect((await decideNow(ctx, p)).decision.state).toBe('waiting');
    aws.replications = [];
    aws.fs(EFS_SECONDARY_ID).protection = 'REPLICATING';
    expect((await decideNow(ctx, p)).decision.reason).toContain('still reports overwrite protection REPLICATING');
    deletionFinished();
    expect((await decideNow(ctx, p)).decision.state).toBe('done');
  });

  it('maps a failed delete to an error naming the AWS error, request id, account and region', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('AccessDeniedException', { status: 403, requestId: 'abc-123', message: 'not authorized' }));
    const { ctx, p } = setup();
    const err = await applyDecided(ctx, p).catch((e: unknown) => e);
    expect(err).toMatchObject({ awsErrorName: 'AccessDeniedException', requestId: 'abc-123', account: 'dr', accountId: '222222222222', region: 'us-west-2', retryable: false });
    expect((err as Error).message).toContain('efs DeleteReplicationConfiguration for fs-0123456789abcdef0 in account dr (222222222222) us-west-2 failed');
    expect(ctx.saved.lastFailoverAt).toBeUndefined();
  });

  it('lets throttling through as retryable, even when a fallback is possible', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('ThrottlingException', { status: 429 }));
    const { ctx, p } = setup({}, { flags: { primaryUnavailable: true } });
    await expect(applyDecided(ctx, p)).rejects.toMatchObject({ retryable: true, awsErrorName: 'ThrottlingException' });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toHaveLength(1);
  });

  it('treats ReplicationNotFound from the delete as already deleted', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('ReplicationNotFound', { status: 404 }));
    const { ctx, p } = setup();
    await expect(applyDecided(ctx, p)).resolves.toMatchObject({ outputs: { deletionMode: 'ALL_CONFIGURATIONS' } });
  });

  it('cleans up a configuration the primary still lists after the DR side dropped it', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW), { listedIn: ['us-east-1'] })];
    aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
    const { ctx, p } = setup();
    const { decision } = await applyDecided(ctx, p);
    expect(decision).toMatchObject({ phase: 'delete-source' });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }]);
    expect(ctx.calls.find((c) => c.operation === 'DeleteReplicationConfiguration')?.region).toBe('us-east-1');
  });

  it('re-enables protection when the destination is left DISABLED outside any replication', async () => {
    aws.replications = [];
    aws.fs(EFS_SECONDARY_ID).protection = 'DISABLED';
    const { ctx, p } = setup();
    const { decision } = await applyDecided(ctx, p);
    expect(decision).toMatchObject({ phase: 'protect' });
    expect(aws.inputs(UpdateFileSystemProtectionCommand)).toEqual([{ FileSystemId: EFS_SECONDARY_ID, ReplicationOverwriteProtection: 'ENABLED' }]);
  });
});

describe('efs.promote with --primary-unavailable', () => {
  const flags = { primaryUnavailable: true };

  it('contacts only the DR side', async () => {
    const { ctx, p } = setup({}, { flags });
    await applyDecided(ctx, p);
    expect(new Set(ctx.calls.map((c) => c.region))).toEqual(new Set(['us-west-2']));
    expect(efsPromote.sides(p, { ...ctx, operation: 'failover' })).toEqual(['secondary']);
  });

  it('falls back to LOCAL_CONFIGURATION_ONLY when the full delete fails, and remembers the orphan', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('DependencyTimeout', { status: 504 }));
    const { ctx, p } = setup({}, { flags });
    const { outputs } = await applyDecided(ctx, p);
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([
      { SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'ALL_CONFIGURATIONS' },
      { SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' },
    ]);
    expect(outputs).toMatchObject({ deletionMode: 'LOCAL_CONFIGURATION_ONLY', rpoPointAt: LAST_SYNC });
    expect(ctx.saved).toMatchObject({
      orphan: { account: 'prod', region: 'us-east-1', sourceFileSystemId: EFS_PRIMARY_ID },
      primaryUnavailableAtFailover: true,
      rpoPointAt: LAST_SYNC,
    });
    expect(ctx.notes.join('\n')).toContain("deleting the DR side's configuration only");
  });

  it('falls back on a network error too', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', networkError('ETIMEDOUT'));
    const { ctx, p } = setup({}, { flags });
    await applyDecided(ctx, p);
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toHaveLength(2);
  });

  it('deletes the DR side only once the deletion has hung for localFallbackAfter', async () => {
    const { ctx, p } = setup({ localFallbackAfter: '2m' }, { flags });
    await applyDecided(ctx, p);
    aws.replications[0]!.status = 'DELETING';
    ctx.clock.advance(60_000);
    expect((await decideNow(ctx, p)).decision.state).toBe('waiting');
    ctx.clock.advance(60_000);
    const { decision } = await applyDecided(ctx, p);
    expect(decision).toMatchObject({ phase: 'delete-local' });
    expect(aws.inputs(DeleteReplicationConfigurationCommand).at(-1)).toEqual({ SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' });
    expect(ctx.saved.orphan).toMatchObject({ sourceFileSystemId: EFS_PRIMARY_ID });
    deletionFinished();
    const done = (await decideNow(ctx, p)).decision;
    expect(done.state).toBe('done');
    expect(done.reason).toContain('was not contacted');
  });

  it('never falls back with deletionMode ALL_CONFIGURATIONS', async () => {
    aws.failNext('DeleteReplicationConfigurationCommand', awsError('DependencyTimeout', { status: 504 }));
    const { ctx, p } = setup({ deletionMode: 'ALL_CONFIGURATIONS' }, { flags });
    await expect(applyDecided(ctx, p)).rejects.toMatchObject({ awsErrorName: 'DependencyTimeout', retryable: true });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toHaveLength(1);
  });
});

describe('efs.promote options', () => {
  it('with deletionMode LOCAL_CONFIGURATION_ONLY deletes the DR side only, directly', async () => {
    const { ctx, p } = setup({ deletionMode: 'LOCAL_CONFIGURATION_ONLY' });
    const { decision } = await applyDecided(ctx, p);
    expect(decision).toMatchObject({ phase: 'delete-local' });
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_PRIMARY_ID, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }]);
    expect(ctx.saved).toMatchObject({ orphan: { sourceFileSystemId: EFS_PRIMARY_ID }, primaryUnavailableAtFailover: false });
  });

  it('with source secondary promotes the primary and records that the DR changes reached it', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date(NOW - 5_000))];
    aws.fs(EFS_PRIMARY_ID).protection = 'REPLICATING';
    aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
    const { ctx, p } = setup({ source: 'secondary' }, { operation: 'failback' });
    const { outputs } = await applyDecided(ctx, p);
    expect(aws.inputs(DeleteReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_SECONDARY_ID, DeletionMode: 'ALL_CONFIGURATIONS' }]);
    expect(ctx.calls.find((c) => c.operation === 'DeleteReplicationConfiguration')).toMatchObject({ account: 'prod', region: 'us-east-1' });
    expect(ctx.saved).toEqual({ secondarySyncedToPrimaryAt: '2025-12-31T23:59:55.000Z', primaryUnavailableAtFailover: false });
    expect(outputs).toMatchObject({ secondarySyncedToPrimaryAt: '2025-12-31T23:59:55.000Z' });
    expect(outputs).not.toHaveProperty('rpoPointAt');
  });

  it('lists every call it may make with the file system ARNs', () => {
    const { ctx, p } = setup();
    const calls = efsPromote.calls(p, { ...ctx, operation: 'failover' });
    const deleteAll = calls.find((c) => c.operation === 'DeleteReplicationConfiguration' && c.params.DeletionMode === 'ALL_CONFIGURATIONS');
    expect(deleteAll).toMatchObject({
      account: 'dr',
      region: 'us-west-2',
      resources: [`arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/${EFS_PRIMARY_ID}`, `arn:aws:elasticfilesystem:us-west-2:222222222222:file-system/${EFS_SECONDARY_ID}`],
    });
    expect(calls.map((c) => c.operation)).toContain('UpdateFileSystemProtection');
  });
});
