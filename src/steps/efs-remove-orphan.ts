/**
 * efs.remove-orphan: after a failover that could only delete the DR side's replication configuration
 * (LOCAL_CONFIGURATION_ONLY while the primary region was down), the primary still lists a configuration
 * primary → secondary that nothing replicates any more. It blocks the failback (a file system can be in only one
 * configuration), so it is deleted on the primary side only. A configuration both sides still list is live
 * replication, not an orphan, and is left alone.
 */
import { z } from 'zod';
import type { StepKind } from './types.js';
import type { EfsSide, ReplicationView } from './efs-common.js';
import { callOn, describeReplications, efsSide, findReplication, isAbsentError, nameOf, renderReplication } from './efs-common.js';

const params = z.object({}).strict();
type Params = z.infer<typeof params>;

export interface EfsRemoveOrphanObserved {
  primary: EfsSide;
  secondary: EfsSide;
  observed: boolean;
  /** primary → secondary as the primary's region reports it. */
  atPrimary: ReplicationView | undefined;
  /** primary → secondary as the secondary's region reports it. */
  atSecondary: ReplicationView | undefined;
}

function deleteOrphanCall(primary: EfsSide, secondary: EfsSide) {
  return callOn(primary, 'DeleteReplicationConfiguration', { SourceFileSystemId: primary.fileSystemId, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }, { resources: [primary.arn, secondary.arn] });
}

export const efsRemoveOrphan: StepKind<Params, EfsRemoveOrphanObserved> = {
  kind: 'efs.remove-orphan',
  summary: "Deletes, on the primary side only, a replication configuration the DR side no longer has (left by a failover during a primary outage).",
  appliesTo: ['efs'],
  params,
  describe(_p, ctx) {
    const primary = efsSide(ctx, 'primary');
    return `remove an orphaned replication configuration of ${primary.fileSystemId} in ${primary.region}, if any`;
  },
  calls(_p, ctx) {
    const primary = efsSide(ctx, 'primary');
    const secondary = efsSide(ctx, 'secondary');
    return [
      callOn(primary, 'DescribeReplicationConfigurations', { FileSystemId: primary.fileSystemId }),
      callOn(secondary, 'DescribeReplicationConfigurations', { FileSystemId: secondary.fileSystemId }),
      { ...deleteOrphanCall(primary, secondary), note: 'only if the primary lists a configuration the DR side no longer has' },
    ];
  },
  sides: () => ['primary', 'secondary'],
  async observe(ctx) {
    const primary = efsSide(ctx, 'primary');
    const secondary = efsSide(ctx, 'secondary');
    if (ctx.flags.primaryUnavailable) return { primary, secondary, observed: false, atPrimary: undefined, atSecondary: undefined };
    const [atPrimary, atSecondary] = await Promise.all([describeReplications(ctx, primary), describeReplications(ctx, secondary)]);
    return {
      primary,
      secondary,
      observed: true,
      atPrimary: findReplication(atPrimary, primary.fileSystemId, secondary.fileSystemId),
      atSecondary: findReplication(atSecondary, primary.fileSystemId, secondary.fileSystemId),
    };
  },
  decide(obs, _p, ctx) {
    const { primary, secondary } = obs;
    if (!obs.observed) {
      return { state: 'blocked', reason: `removing the orphaned configuration needs the primary region ${primary.region}, which is marked unavailable`, hint: 'Fail back once the primary region is back, without --primary-unavailable.' };
    }
    const orphan = obs.atPrimary;
    if (!orphan) {
      const removed = ctx.applied.some((a) => a.phase === 'delete-orphan');
      return { state: 'done', reason: removed ? `orphaned configuration removed from ${nameOf(primary)}` : `${nameOf(primary)} lists no replication to ${secondary.fileSystemId}: nothing to remove`, outputs: { orphanRemoved: removed } };
    }
    if (obs.atSecondary) {
      return { state: 'done', reason: `${renderReplication(orphan)} is listed on both sides: it is live replication, not an orphan, and is left alone`, outputs: { orphanRemoved: false } };
    }
    if (orphan.status === 'DELETING') return { state: 'waiting', reason: `orphaned ${renderReplication(orphan)} is being deleted` };
    return {
      state: 'apply',
      phase: 'delete-orphan',
      reason: `${nameOf(primary)} still lists ${renderReplication(orphan)}, which the DR side no longer has: deleting it on the primary side only (LOCAL_CONFIGURATION_ONLY)`,
      calls: [deleteOrphanCall(primary, secondary)],
    };
  },
  async apply(ctx, _p, obs) {
    try {
      await ctx.aws.call(obs.primary, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: obs.primary.fileSystemId, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' });
    } catch (err) {
      // Gone already (removed by hand or by EFS): that is the goal.
      if (!isAbsentError(err)) throw err;
    }
    ctx.remember({ orphan: undefined });
    return { orphanRemoved: true };
  },
  wait: { timeoutMs: 20 * 60_000, pollMs: 15_000 },
};
