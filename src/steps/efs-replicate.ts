/**
 * efs.replicate: ensure a replication `from` → `to` exists and is ENABLED, into the *existing* file system on
 * the `to` side (failback and re-protect). One phase at a time: `unprotect` (the destination's overwrite
 * protection must be DISABLED), then `create` (issued in the source's account and region), then wait for ENABLED.
 *
 * Replicating into a file system overwrites it. Before doing that drctl refuses (unless --force) when the side
 * it would overwrite may hold changes nobody replicated (DESIGN principle 5):
 *  - to secondary: the DR copy was promoted and written to, and no preserving failback has synced it back;
 *  - to primary: the failover ran while the primary was unavailable, so writes made there after the accepted
 *    RPO point never reached the DR side.
 */
import { z } from 'zod';
import { AwsCallError } from '../aws/errors.js';
import { RefusedError } from '../errors.js';
import { roleArnSchema } from '../runbook/common.js';
import type { Side } from '../runbook/schema.js';
import type { DescribeContext, Outputs, StepContext, StepKind } from './types.js';
import type { EfsSide, FileSystemView, ReplicationView } from './efs-common.js';
import {
  callOn,
  describeFileSystem,
  describeReplications,
  efsResourceOf,
  efsSide,
  findReplication,
  iso,
  nameOf,
  renderReplication,
  replicationRoleFor,
} from './efs-common.js';
import { safetyRefusal } from './efs-replicate-safety.js';

const sideSchema = z.enum(['primary', 'secondary']);

const params = z
  .object({
    from: sideSchema.default('primary').describe('Source side of the replication. Default primary.'),
    to: sideSchema.default('secondary').describe('Destination side: its existing file system is overwritten to match the source. Default secondary.'),
    roleArn: roleArnSchema
      .optional()
      .describe('Role EFS uses to replicate (in the source account). Default: replication.roleArn for primary → secondary, replication.reverseRoleArn for secondary → primary.'),
    waitForFirstSync: z
      .boolean()
      .default(false)
      .describe('Also wait, after ENABLED, for the first completed sync (a LastReplicatedTimestamp), so the destination really holds a copy. Default false.'),
  })
  .strict()
  .refine((p) => p.from !== p.to, { message: '`from` and `to` must be different sides', path: ['to'] });
export type EfsReplicateParams = z.infer<typeof params>;

export interface EfsReplicateObserved {
  from: EfsSide;
  to: EfsSide;
  fromFs: FileSystemView | null;
  toFs: FileSystemView | null;
  /** Every configuration either region reports for either file system (deduplicated). */
  replications: ReplicationView[];
}

function sidesOf(p: EfsReplicateParams, ctx: Pick<DescribeContext, 'resource' | 'resourceName' | 'target'>) {
  return { from: efsSide(ctx, p.from), to: efsSide(ctx, p.to) };
}

function createInput(p: EfsReplicateParams, ctx: Pick<DescribeContext, 'resource' | 'resourceName' | 'target'>) {
  const { from, to } = sidesOf(p, ctx);
  const roleArn = replicationRoleFor(efsResourceOf(ctx), p.from, p.roleArn);
  // An existing destination in another account must be named by ARN (aws-reference.md §1.2).
  const destination = { FileSystemId: from.accountId === to.accountId ? to.fileSystemId : to.arn, Region: to.region, ...(roleArn ? { RoleArn: roleArn } : {}) };
  return { SourceFileSystemId: from.fileSystemId, Destinations: [destination] };
}

function unprotectCall(to: EfsSide) {
  return callOn(to, 'UpdateFileSystemProtection', { FileSystemId: to.fileSystemId, ReplicationOverwriteProtection: 'DISABLED' });
}

function createCall(p: EfsReplicateParams, ctx: Pick<DescribeContext, 'resource' | 'resourceName' | 'target'>) {
  const { from, to } = sidesOf(p, ctx);
  return callOn(from, 'CreateReplicationConfiguration', createInput(p, ctx), { resources: [from.arn, to.arn] });
}

function conflictHint(conflict: ReplicationView, to: EfsSide, from: EfsSide, resourceName: string): string {
  const inspect = `Inspect with \`aws efs describe-replication-configurations --file-system-id ${conflict.sourceId} --region ${conflict.sourceRegion}\`.`;
  if (conflict.sourceId === to.fileSystemId && conflict.destinationId === from.fileSystemId) {
    return to.side === 'primary'
      ? `If it is an orphan left by a failover during an outage, \`drctl failback --fs ${resourceName}\` removes it first (efs.remove-orphan); otherwise the primary is still replicating and there is nothing to fail back. ${inspect}`
      : `The failback replication is still in place: promote the primary first (efs.promote with source: secondary). ${inspect}`;
  }
  return `A file system can be in only one replication configuration: delete the one that should not exist, then re-run. ${inspect}`;
}

export function decideEfsReplicate(obs: EfsReplicateObserved, p: EfsReplicateParams, ctx: StepContext): ReturnType<StepKind['decide']> {
  const { from, to } = obs;
  for (const [side, fs] of [[from, obs.fromFs], [to, obs.toFs]] as const) {
    if (fs === null) return { state: 'blocked', reason: `file system ${nameOf(side)} was not found`, hint: `Check ${side.side}.fileSystemId of ${ctx.resourceName} in the runbook and its account/region.` };
    if (fs.lifeCycleState === 'creating' || fs.lifeCycleState === 'updating') return { state: 'waiting', reason: `${nameOf(side)} is ${fs.lifeCycleState}` };
    if (fs.lifeCycleState !== 'available') return { state: 'blocked', reason: `file system ${nameOf(side)} is ${fs.lifeCycleState}, not available`, hint: 'Replication needs both file systems available.' };
  }
  const wanted = findReplication(obs.replications, from.fileSystemId, to.fileSystemId);
  if (wanted) {
    if (wanted.status === 'ENABLED' && p.waitForFirstSync && wanted.lastReplicatedAt === undefined) {
      return { state: 'waiting', reason: `replication ${renderReplication(wanted)}: waiting for the initial sync to finish` };
    }
    if (wanted.status === 'ENABLED') {
      return {
        state: 'done',
        reason: `replication ${renderReplication(wanted)}${wanted.lastReplicatedAt === undefined ? ' (initial sync in progress)' : `, last replicated ${iso(wanted.lastReplicatedAt)}`}`,
        outputs: { replicationStatus: wanted.status, direction: `${from.side}→${to.side}`, lastReplicatedAt: wanted.lastReplicatedAt === undefined ? null : iso(wanted.lastReplicatedAt) },
      };
    }
    if (wanted.status === 'ENABLING') return { state: 'waiting', reason: `replication ${renderReplication(wanted)}: waiting for ENABLED` };
    return { state: 'blocked', reason: `replication ${renderReplication(wanted)} is not healthy`, hint: wanted.status === 'DELETING' ? 'It is being deleted; re-run once it is gone and drctl will create it again.' : 'Fix the cause named in the status message (or delete the configuration), then re-run.' };
  }
  const involved = new Set([from.fileSystemId, to.fileSystemId]);
  const conflict = obs.replications.find((r) => involved.has(r.sourceId) || involved.has(r.destinationId));
  if (conflict) {
    return { state: 'blocked', reason: `cannot replicate ${from.fileSystemId} → ${to.fileSystemId}: ${renderReplication(conflict)} exists`, hint: conflictHint(conflict, to, from, ctx.resourceName) };
  }
  const refusal = safetyRefusal(p.to, ctx);
  if (refusal) return refusal;
  if (from.accountId !== to.accountId && !replicationRoleFor(efsResourceOf(ctx), p.from, p.roleArn)) {
    const key = p.from === 'primary' ? 'replication.roleArn' : 'replication.reverseRoleArn';
    return { state: 'blocked', reason: `replication from account ${from.account} to account ${to.account} needs a role, and none is set`, hint: `Set ${key} of ${ctx.resourceName} (a role in account ${from.accountId} that EFS can assume), or pass roleArn to this step.` };
  }
  const protection = obs.toFs?.protection;
  if (protection === 'ENABLED') {
    return { state: 'apply', phase: 'unprotect', reason: `disable overwrite protection of ${nameOf(to)} so it can become the destination of ${from.fileSystemId}`, calls: [unprotectCall(to)] };
  }
  if (protection === 'REPLICATING') return { state: 'waiting', reason: `${nameOf(to)} still reports protection REPLICATING although no replication lists it; waiting for EFS to settle` };
  return { state: 'apply', phase: 'create', reason: `create replication ${from.fileSystemId} (${from.region}) → ${to.fileSystemId} (${to.region}); EFS overwrites ${to.fileSystemId} to match`, calls: [createCall(p, ctx)] };
}

export const efsReplicate: StepKind<EfsReplicateParams, EfsReplicateObserved> = {
  kind: 'efs.replicate',
  summary: 'Ensures an ENABLED EFS replication from one side into the existing file system of the other (unprotect, create, wait), refusing to overwrite unreplicated changes.',
  appliesTo: ['efs'],
  params,
  describe(p, ctx) {
    const { from, to } = sidesOf(p, ctx);
    return `replicate ${from.fileSystemId} (${from.side}, ${from.region}) → ${to.fileSystemId} (${to.side}, ${to.region}) and wait for ENABLED`;
  },
  calls(p, ctx) {
    const { from, to } = sidesOf(p, ctx);
    return [
      callOn(from, 'DescribeFileSystems', { FileSystemId: from.fileSystemId }),
      callOn(to, 'DescribeFileSystems', { FileSystemId: to.fileSystemId }),
      callOn(from, 'DescribeReplicationConfigurations', { FileSystemId: from.fileSystemId }),
      callOn(to, 'DescribeReplicationConfigurations', { FileSystemId: to.fileSystemId }),
      { ...unprotectCall(to), note: 'only while its protection is ENABLED' },
      createCall(p, ctx),
    ];
  },
  sides(p): Side[] {
    return [p.from, p.to];
  },
  async observe(ctx, p) {
    const { from, to } = sidesOf(p, ctx);
    const [fromFs, toFs, fromList, toList] = await Promise.all([
      describeFileSystem(ctx, from).then((v) => v ?? null),
      describeFileSystem(ctx, to).then((v) => v ?? null),
      describeReplications(ctx, from),
      describeReplications(ctx, to),
    ]);
    // The source's region is authoritative for a configuration it owns: list its view first.
    const seen = new Set<string>();
    const replications = [...fromList, ...toList].filter((r) => {
      const key = `${r.sourceId}>${r.destinationId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { from, to, fromFs, toFs, replications };
  },
  decide: decideEfsReplicate,
  async apply(ctx, p, obs, phase): Promise<Outputs> {
    if (phase === 'unprotect') {
      try {
        await ctx.aws.call(obs.to, 'efs', 'UpdateFileSystemProtection', { FileSystemId: obs.to.fileSystemId, ReplicationOverwriteProtection: 'DISABLED' });
      } catch (err) {
        if (err instanceof AwsCallError && err.awsErrorName === 'ReplicationAlreadyExists') {
          throw new RefusedError('efs-already-in-replication', `${nameOf(obs.to)} is already part of a replication configuration (ReplicationAlreadyExists), so drctl will not touch its protection`, {
            hint: `Inspect it with \`aws efs describe-replication-configurations --file-system-id ${obs.to.fileSystemId} --region ${obs.to.region}\` in both regions, clear the unexpected configuration, then re-run.`,
            cause: err,
          });
        }
        throw err;
      }
      return {};
    }
    if (phase === 'create') {
      try {
        await ctx.aws.call(obs.from, 'efs', 'CreateReplicationConfiguration', createInput(p, ctx));
      } catch (err) {
        // EFS takes no idempotency token here: when the SDK retried a create whose first attempt had landed (a
        // timeout), the retry is refused. If the very configuration we asked for now exists, the create worked.
        const after = await efsReplicate.observe(ctx, p).catch(() => undefined);
        if (!(err instanceof AwsCallError) || !after || !findReplication(after.replications, obs.from.fileSystemId, obs.to.fileSystemId)) throw err;
        ctx.note(`CreateReplicationConfiguration answered ${err.awsErrorName}, but the replication ${obs.from.fileSystemId} → ${obs.to.fileSystemId} exists: an earlier attempt of the same call created it`);
      }
      return { replicationCreatedAt: iso(ctx.clock.now()) };
    }
    throw new Error(`efs.replicate: unknown phase ${phase}`);
  },
  wait: { timeoutMs: 30 * 60_000, pollMs: 15_000 },
};
