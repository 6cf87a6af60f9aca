import { beforeEach, describe, expect, it } from 'vitest';
import { efsReplicate } from '../../src/steps/efs-replicate.js';
import type { EfsReplicateParams } from '../../src/steps/efs-replicate.js';
import { RefusedError } from '../../src/errors.js';
import { awsError, buildStepContext, EFS_PRIMARY_ID, EFS_SECONDARY_ID, testRunbook, testRunbookInput } from '../helpers/step-context.js';
import type { StepContextOptions, TestStepContext } from '../helpers/step-context.js';
import { CreateReplicationConfigurationCommand, EfsFixture, replication, UpdateFileSystemProtectionCommand } from './efs-fixtures.js';

const aws = new EfsFixture();
const NOW = Date.parse('2026-01-01T00:00:00Z');
const FAILED_OVER = { lastFailoverAt: '2025-12-31T12:00:00.000Z', rpoPointAt: '2025-12-31T11:59:00.000Z', primaryUnavailableAtFailover: false };
const SYNCED_BACK = { ...FAILED_OVER, secondarySyncedToPrimaryAt: '2025-12-31T23:00:00.000Z' };
const PRIMARY_ARN = `arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/${EFS_PRIMARY_ID}`;
const SECONDARY_ARN = `arn:aws:elasticfilesystem:us-west-2:222222222222:file-system/${EFS_SECONDARY_ID}`;

function setup(raw: Partial<EfsReplicateParams>, options: StepContextOptions = {}) {
  const ctx = buildStepContext({ stepId: 'replicate', operation: 'failback', ...options });
  return { ctx, p: efsReplicate.params.parse(raw) };
}

async function decideNow(ctx: TestStepContext, p: EfsReplicateParams) {
  const obs = await efsReplicate.observe(ctx, p);
  return { obs, decision: efsReplicate.decide(obs, p, ctx) };
}

async function applyDecided(ctx: TestStepContext, p: EfsReplicateParams) {
  const { obs, decision } = await decideNow(ctx, p);
  if (decision.state !== 'apply') throw new Error(`expected apply, got ${decision.state}: ${decision.reason}`);
  await efsReplicate.apply(ctx, p, obs, decision.phase);
  ctx.applied.push({ phase: decision.phase, at: ctx.clock.now() });
  return decision;
}

/** After a failover: no replication, both file systems writable. */
function failedOver() {
  aws.replications = [];
  aws.fs(EFS_SECONDARY_ID).protection = 'ENABLED';
  aws.fs(EFS_PRIMARY_ID).protection = 'ENABLED';
}

beforeEach(() => {
  aws.reset(NOW);
  failedOver();
});

describe('efs.replicate secondary → primary (failback, preserve)', () => {
  const back = { from: 'secondary', to: 'primary' } as const;

  it('unprotects the primary, then creates the replication in the DR account with the reverse role and the primary ARN', async () => {
    const { ctx, p } = setup(back, { memory: FAILED_OVER });
    expect(await applyDecided(ctx, p)).toMatchObject({ phase: 'unprotect', calls: [{ operation: 'UpdateFileSystemProtection', account: 'prod', region: 'us-east-1' }] });
    expect(aws.inputs(UpdateFileSystemProtectionCommand)).toEqual([{ FileSystemId: EFS_PRIMARY_ID, ReplicationOverwriteProtection: 'DISABLED' }]);

    // Protection not changed yet: the same phase is not repeated.
    expect((await decideNow(ctx, p)).decision).toMatchObject({ state: 'apply', phase: 'unprotect' });
    aws.fs(EFS_PRIMARY_ID).protection = 'DISABLED';
    expect(await applyDecided(ctx, p)).toMatchObject({ phase: 'create', calls: [{ account: 'dr', region: 'us-west-2' }] });
    expect(aws.inputs(CreateReplicationConfigurationCommand)).toEqual([
      {
        SourceFileSystemId: EFS_SECONDARY_ID,
        Destinations: [{ FileSystemId: PRIMARY_ARN, Region: 'us-east-1', RoleArn: 'arn:aws:iam::222222222222:role/efs-replication' }],
      },
    ]);
    expect(ctx.calls.find((c) => c.operation === 'CreateReplicationConfiguration')).toMatchObject({ account: 'dr', region: 'us-west-2', outcome: 'ok' });

    aws.replications = [replication('secondary-to-primary', 'ENABLING')];
    aws.fs(EFS_PRIMARY_ID).protection = 'REPLICATING';
    expect((await decideNow(ctx, p)).decision.state).toBe('waiting');
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date(NOW))];
    expect((await decideNow(ctx, p)).decision).toMatchObject({ state: 'done', outputs: { replicationStatus: 'ENABLED', direction: 'secondary→primary', lastReplicatedAt: '2026-01-01T00:00:00.000Z' } });
  });

  it('with waitForFirstSync waits after ENABLED until the first sync completes', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED')];
    const { ctx, p } = setup({ ...back, waitForFirstSync: true });
    expect((await decideNow(ctx, p)).decision).toMatchObject({ state: 'waiting' });
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date(NOW))];
    expect((await decideNow(ctx, p)).decision.state).toBe('done');
  });

  it('is already done when the replication is ENABLED', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED')];
    const { ctx, p } = setup(back);
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('done');
    expect(decision.reason).toContain('initial sync in progress');
  });

  it('refuses while the orphan primary → secondary configuration still exists, pointing at remove-orphan', async () => {
    aws.replications = [replication('primary-to-secondary', 'ENABLED', new Date(NOW), { listedIn: ['us-east-1'] })];
    const { ctx, p } = setup(back);
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('blocked');
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toContain(`${EFS_PRIMARY_ID} (us-east-1) → ${EFS_SECONDARY_ID} (us-west-2) ENABLED exists`);
    expect(decision.hint).toContain('efs.remove-orphan');
  });

  it('refuses to overwrite a primary that was unavailable at failover, unless forced', async () => {
    const memory = { ...FAILED_OVER, primaryUnavailableAtFailover: true };
    let { ctx, p } = setup(back, { memory });
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('blocked');
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toContain('writes made on the primary after 2025-12-31T11:59:00.000Z never reached the DR side');
    expect(decision.hint).toContain('--force');
    ({ ctx, p } = setup(back, { memory, flags: { force: true } }));
    expect((await decideNow(ctx, p)).decision).toMatchObject({ state: 'apply', phase: 'unprotect' });
  });

  it('turns ReplicationAlreadyExists on the protection change into a refusal with an inspection hint', async () => {
    aws.failNext('UpdateFileSystemProtectionCommand', awsError('ReplicationAlreadyExists', { status: 409 }));
    const { ctx, p } = setup(back);
    const err = await applyDecided(ctx, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect(err).toMatchObject({ code: 'efs-already-in-replication', exitCode: 3 });
    expect((err as RefusedError).hint).toContain(`describe-replication-configurations --file-system-id ${EFS_PRIMARY_ID} --region us-east-1`);
  });

  it('maps a failed create with the AWS error name, request id, account and region', async () => {
    aws.fs(EFS_PRIMARY_ID).protection = 'DISABLED';
    aws.failNext('CreateReplicationConfigurationCommand', awsError('BadRequest', { status: 400, requestId: 'req-9', message: 'No RoleArn provided.' }));
    const { ctx, p } = setup(back);
    await expect(applyDecided(ctx, p)).rejects.toMatchObject({ awsErrorName: 'BadRequest', requestId: 'req-9', account: 'dr', accountId: '222222222222', region: 'us-west-2', retryable: false });
  });

  it('treats a create refused because an earlier attempt of the same call landed (SDK retry) as done', async () => {
    aws.fs(EFS_PRIMARY_ID).protection = 'DISABLED';
    const { ctx, p } = setup(back);
    const { obs, decision } = await decideNow(ctx, p);
    expect(decision).toMatchObject({ state: 'apply', phase: 'create' });
    aws.replications = [replication('secondary-to-primary', 'ENABLING')];
    aws.failNext('CreateReplicationConfigurationCommand', awsError('BadRequest', { status: 400, message: 'file system is already in a replication configuration' }));
    await expect(efsReplicate.apply(ctx, p, obs, 'create')).resolves.toMatchObject({ replicationCreatedAt: expect.any(String) });
    expect(ctx.notes.join('\n')).toContain('an earlier attempt of the same call created it');
  });

  it('marks throttling retryable', async () => {
    aws.failNext('DescribeFileSystemsCommand', awsError('ThrottlingException', { status: 429 }));
    const { ctx, p } = setup(back);
    await expect(decideNow(ctx, p)).rejects.toMatchObject({ retryable: true });
  });
});

describe('efs.replicate primary → secondary (re-protect)', () => {
  const forward = { from: 'primary', to: 'secondary' } as const;

  it('refuses to overwrite a promoted DR copy that was never synced back, naming --mode preserve and --force', async () => {
    const { ctx, p } = setup(forward, { memory: FAILED_OVER });
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('blocked');
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toContain('was promoted at 2025-12-31T12:00:00.000Z');
    expect(decision.hint).toContain('--mode preserve');
    expect(decision.hint).toContain('--force');
    expect(aws.inputs(UpdateFileSystemProtectionCommand)).toEqual([]);
  });

  it('refuses too when drctl has no record of the DR copy at all', async () => {
    const { ctx, p } = setup(forward);
    expect((await decideNow(ctx, p)).decision.state).toBe('blocked');
  });

  it('discards the DR changes with --force', async () => {
    const { ctx, p } = setup(forward, { memory: FAILED_OVER, flags: { force: true } });
    expect(await applyDecided(ctx, p)).toMatchObject({ phase: 'unprotect' });
    expect(aws.inputs(UpdateFileSystemProtectionCommand)).toEqual([{ FileSystemId: EFS_SECONDARY_ID, ReplicationOverwriteProtection: 'DISABLED' }]);
  });

  it('proceeds after a preserving failback synced the DR copy back, with the forward role and the DR ARN', async () => {
    aws.fs(EFS_SECONDARY_ID).protection = 'DISABLED';
    const { ctx, p } = setup(forward, { memory: SYNCED_BACK });
    expect(await applyDecided(ctx, p)).toMatchObject({ phase: 'create', calls: [{ account: 'prod', region: 'us-east-1', resources: [PRIMARY_ARN, SECONDARY_ARN] }] });
    expect(aws.inputs(CreateReplicationConfigurationCommand)).toEqual([
      { SourceFileSystemId: EFS_PRIMARY_ID, Destinations: [{ FileSystemId: SECONDARY_ARN, Region: 'us-west-2', RoleArn: 'arn:aws:iam::111111111111:role/efs-replication' }] },
    ]);
  });

  it('refuses while the failback replication secondary → primary is still in place', async () => {
    aws.replications = [replication('secondary-to-primary', 'ENABLED', new Date(NOW))];
    const { ctx, p } = setup(forward, { memory: SYNCED_BACK });
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('blocked');
    if (decision.state === 'blocked') expect(decision.hint).toContain('promote the primary first');
  });

  it('names the destination by id when both sides are in the same account', async () => {
    const input = testRunbookInput();
    const resource = (input.filesystems as Record<string, Record<string, unknown>>)['efs-prod']!;
    resource.secondary = { account: 'prod', fileSystemId: EFS_SECONDARY_ID, region: 'us-west-2' };
    resource.replication = {};
    aws.fs(EFS_SECONDARY_ID).protection = 'DISABLED';
    const { ctx, p } = setup(forward, { memory: SYNCED_BACK, runbook: testRunbook(input) });
    await applyDecided(ctx, p);
    expect(aws.inputs(CreateReplicationConfigurationCommand)).toEqual([{ SourceFileSystemId: EFS_PRIMARY_ID, Destinations: [{ FileSystemId: EFS_SECONDARY_ID, Region: 'us-west-2' }] }]);
  });

  it('refuses a cross-account replication without a role', async () => {
    const input = testRunbookInput();
    (input.filesystems as Record<string, Record<string, unknown>>)['efs-prod']!.replication = {};
    const { ctx, p } = setup(forward, { memory: SYNCED_BACK, runbook: testRunbook(input) });
    const { decision } = await decideNow(ctx, p);
    expect(decision.state).toBe('blocked');
    if (decision.state === 'blocked') expect(decision.hint).toContain('replication.roleArn');
  });

  it('rejects from and to being the same side', () => {
    expect(efsReplicate.params.safeParse({ from: 'primary', to: 'primary' }).success).toBe(false);
  });
});
