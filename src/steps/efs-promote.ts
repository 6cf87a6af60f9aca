/**
 * efs.promote: end a replication so its destination becomes writable — the failover itself (source: primary),
 * or the end of a preserving failback (source: secondary, promoting the original file system again).
 *
 * Done when the destination no longer lists the configuration, the source no longer lists it either (unless it
 * was deliberately left behind as an orphan) and the destination's overwrite protection is ENABLED.
 * The delete is issued from the destination's account and region with ALL_CONFIGURATIONS. With
 * --primary-unavailable only the DR side is contacted: if the delete fails there, or stays DELETING longer than
 * `localFallbackAfter`, the DR side's configuration alone is deleted (LOCAL_CONFIGURATION_ONLY) and the orphan
 * left on the primary is remembered for `efs.remove-orphan` during failback (aws-reference.md §1.3, §6.1).
 */
import { z } from 'zod';
import { isThrottlingError } from '../aws/errors.js';
import { durationSchema } from '../runbook/common.js';
import type { Side } from '../runbook/schema.js';
import { parseDuration, renderDuration } from '../util/duration.js';
import type { DescribeContext, Outputs, PlannedCall, StepContext, StepKind } from './types.js';
import type { EfsSide, FileSystemView, ReplicationView } from './efs-common.js';
import { callOn, describeFileSystem, describeReplications, efsSide, findReplication, isAbsentError, iso, nameOf, otherSide, renderReplication } from './efs-common.js';

const params = z
  .object({
    source: z
      .enum(['primary', 'secondary'])
      .default('primary')
      .describe('The replication source; the other side is promoted. `primary` for failover, `secondary` to promote the original file system at the end of a preserving failback.'),
    deletionMode: z
      .enum(['auto', 'ALL_CONFIGURATIONS', 'LOCAL_CONFIGURATION_ONLY'])
      .default('auto')
      .describe('`auto`: delete on both sides, falling back to the DR side only when the primary is unavailable and the delete fails or hangs. The other values force one DeletionMode.'),
    localFallbackAfter: durationSchema
      .default('2m')
      .describe('With --primary-unavailable and deletionMode auto: how long a DELETING state may last before drctl deletes the DR side only. Default 2m.'),
  })
  .strict();
export type EfsPromoteParams = z.infer<typeof params>;

export interface EfsPromoteObserved {
  now: number;
  source: EfsSide;
  destination: EfsSide;
  destinationFs: FileSystemView | null;
  /** The source → destination configuration as the destination's region reports it. */
  atDestination: ReplicationView | undefined;
  /** Configurations that replicate *into* the destination from elsewhere. */
  foreignIntoDestination: ReplicationView[];
  /** As the source's region reports it; 'not-observed' when the source side is not contacted. */
  atSource: ReplicationView | undefined | 'not-observed';
}

type Ctx = Pick<DescribeContext, 'flags'>;

function sourceUnreachable(p: EfsPromoteParams, ctx: Ctx): boolean {
  return p.source === 'primary' && ctx.flags.primaryUnavailable;
}

/** The runbook chose to delete only the destination's configuration (the source is cleaned up later). */
function localOnly(p: EfsPromoteParams): boolean {
  return p.deletionMode === 'LOCAL_CONFIGURATION_ONLY';
}

function observesSource(p: EfsPromoteParams, ctx: Ctx): boolean {
  return !sourceUnreachable(p, ctx) && p.deletionMode !== 'LOCAL_CONFIGURATION_ONLY';
}

/** May drctl switch to LOCAL_CONFIGURATION_ONLY when the full delete fails or hangs? */
function fallbackAllowed(p: EfsPromoteParams, ctx: Ctx): boolean {
  return p.deletionMode === 'auto' && sourceUnreachable(p, ctx);
}

function sides(p: EfsPromoteParams, ctx: Pick<DescribeContext, 'resource' | 'resourceName' | 'target'>) {
  return { source: efsSide(ctx, p.source), destination: efsSide(ctx, otherSide(p.source)) };
}

function deleteCall(from: EfsSide, source: EfsSide, destination: EfsSide, mode: string, note?: string): PlannedCall {
  return callOn(from, 'DeleteReplicationConfiguration', { SourceFileSystemId: source.fileSystemId, DeletionMode: mode }, { resources: [source.arn, destination.arn], ...(note ? { note } : {}) });
}

export function decideEfsPromote(obs: EfsPromoteObserved, p: EfsPromoteParams, ctx: StepContext): ReturnType<StepKind['decide']> {
  const { source, destination } = obs;
  if (!obs.destinationFs) {
    return { state: 'blocked', reason: `file system ${nameOf(destination)} was not found`, hint: `Check ${destination.side}.fileSystemId of ${ctx.resourceName} in the runbook and its account/region.` };
  }
  const fallbackMs = parseDuration(p.localFallbackAfter) ?? 120_000;
  const applied = (phase: string) => ctx.applied.find((a) => a.phase === phase);
  const fullDelete = applied('delete');
  const config = obs.atDestination;
  if (config) {
    if (config.status === 'DELETING') {
      if (fallbackAllowed(p, ctx) && fullDelete && !applied('delete-local') && obs.now - fullDelete.at >= fallbackMs) {
        return { state: 'apply', phase: 'delete-local', reason: `replication is still DELETING ${renderDuration(obs.now - fullDelete.at)} after the delete and the primary is unavailable: deleting the DR side's configuration only`, calls: [deleteCall(destination, source, destination, 'LOCAL_CONFIGURATION_ONLY')] };
      }
      return { state: 'waiting', reason: `replication ${renderReplication(config)}: waiting for the deletion to finish` };
    }
    if (localOnly(p)) {
      return { state: 'apply', phase: 'delete-local', reason: `delete ${renderReplication(config)} on the ${destination.side} side only (LOCAL_CONFIGURATION_ONLY) to make ${destination.fileSystemId} writable`, calls: [deleteCall(destination, source, destination, 'LOCAL_CONFIGURATION_ONLY')] };
    }
    return { state: 'apply', phase: 'delete', reason: `delete ${renderReplication(config)} to make ${nameOf(destination)} writable`, calls: [deleteCall(destination, source, destination, 'ALL_CONFIGURATIONS')] };
  }
  const foreign = obs.foreignIntoDestination[0];
  if (foreign) {
    return { state: 'blocked', reason: `${nameOf(destination)} is the destination of another replication: ${renderReplication(foreign)}`, hint: 'Check the file system ids in the runbook; inspect that configuration with `aws efs describe-replication-configurations` before promoting.' };
  }
  const atSource = obs.atSource;
  if (atSource !== 'not-observed' && atSource) {
    if (atSource.status === 'DELETING') return { state: 'waiting', reason: `the ${source.side} side still reports ${renderReplication(atSource)}` };
    if (fullDelete && obs.now - fullDelete.at < fallbackMs) return { state: 'waiting', reason: `the ${source.side} side still lists ${renderReplication(atSource)}; waiting for the deletion to reach it` };
    return { state: 'apply', phase: 'delete-source', reason: `the ${destination.side} side no longer has the replication but the ${source.side} side still lists it: deleting it there (LOCAL_CONFIGURATION_ONLY)`, calls: [deleteCall(source, source, destination, 'LOCAL_CONFIGURATION_ONLY')] };
  }
  const protection = obs.destinationFs.protection;
  if (protection === 'REPLICATING') return { state: 'waiting', reason: `${nameOf(destination)} still reports overwrite protection REPLICATING; waiting for EFS to make it writable` };
  if (protection === 'DISABLED') {
    return { state: 'apply', phase: 'protect', reason: `${nameOf(destination)} is in no replication but its overwrite protection is DISABLED: enabling it so the file system is writable`, calls: [callOn(destination, 'UpdateFileSystemProtection', { FileSystemId: destination.fileSystemId, ReplicationOverwriteProtection: 'ENABLED' })] };
  }
  const outputs: Outputs = { promotedFileSystemId: destination.fileSystemId, promotedSide: destination.side };
  if (ctx.applied.length === 0 && p.source === 'primary' && ctx.memory.rpoPointAt) outputs.rpoPointAt = ctx.memory.rpoPointAt;
  const orphan = atSource === 'not-observed' ? ` (the ${source.side} side was not contacted: any configuration left there is removed during failback)` : '';
  return { state: 'done', reason: `${nameOf(destination)} is writable (protection ENABLED) and in no replication${orphan}`, outputs };
}

/** What a promotion means for the resource's memory, written when the delete is issued. */
function rememberPromotion(ctx: StepContext, p: EfsPromoteParams, obs: EfsPromoteObserved, mode: 'ALL_CONFIGURATIONS' | 'LOCAL_CONFIGURATION_ONLY', fellBack: boolean): Outputs {
  const now = iso(ctx.clock.now());
  const replicatedUntil = obs.atDestination?.lastReplicatedAt;
  const outputs: Outputs = { deletionMode: mode, promotedAt: now };
  if (p.source === 'secondary') {
    // Everything written on the DR side before this point is now on the primary: a later re-protect may
    // overwrite the DR side without losing anything.
    const syncedAt = replicatedUntil !== undefined ? iso(replicatedUntil) : now;
    ctx.remember({ secondarySyncedToPrimaryAt: syncedAt, primaryUnavailableAtFailover: false });
    return { ...outputs, secondarySyncedToPrimaryAt: syncedAt };
  }
  // The accepted recovery point: every change on the primary before it is on the promoted copy.
  if (replicatedUntil !== undefined) outputs.rpoPointAt = iso(replicatedUntil);
  const first = !ctx.applied.some((a) => a.phase === 'delete' || a.phase === 'delete-local');
  if (first) {
    ctx.remember({
      lastFailoverAt: now,
      lastFailoverRunId: ctx.runId,
      ...(replicatedUntil !== undefined ? { rpoPointAt: iso(replicatedUntil) } : {}),
      primaryUnavailableAtFailover: ctx.flags.primaryUnavailable || fellBack,
    });
  }
  if (mode === 'LOCAL_CONFIGURATION_ONLY') {
    ctx.remember({
      orphan: { account: obs.source.account, region: obs.source.region, sourceFileSystemId: obs.source.fileSystemId, recordedAt: now },
      primaryUnavailableAtFailover: ctx.flags.primaryUnavailable || fellBack,
    });
  }
  return outputs;
}

async function deleteFrom(ctx: StepContext, side: EfsSide, sourceId: string, mode: 'ALL_CONFIGURATIONS' | 'LOCAL_CONFIGURATION_ONLY'): Promise<void> {
  try {
    await ctx.aws.call(side, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: sourceId, DeletionMode: mode });
  } catch (err) {
    // Already gone (another run, or EFS finished meanwhile): the next observation decides.
    if (!isAbsentError(err)) throw err;
  }
}

export const efsPromote: StepKind<EfsPromoteParams, EfsPromoteObserved> = {
  kind: 'efs.promote',
  summary: 'Deletes an EFS replication so its destination becomes writable (failover), with a DR-side-only fallback when the primary is down.',
  appliesTo: ['efs'],
  params,
  describe(p, ctx) {
    const { source, destination } = sides(p, ctx);
    return `promote ${destination.fileSystemId} (${destination.side}, ${destination.region}): delete replication ${source.fileSystemId} → ${destination.fileSystemId}${localOnly(p) ? ` on the ${destination.side} side only` : ''}`;
  },
  calls(p, ctx) {
    const { source, destination } = sides(p, ctx);
    const calls = [
      callOn(destination, 'DescribeReplicationConfigurations', { FileSystemId: destination.fileSystemId }),
      callOn(destination, 'DescribeFileSystems', { FileSystemId: destination.fileSystemId }),
    ];
    if (observesSource(p, ctx)) calls.push(callOn(source, 'DescribeReplicationConfigurations', { FileSystemId: source.fileSystemId }));
    if (!localOnly(p)) calls.push(deleteCall(destination, source, destination, 'ALL_CONFIGURATIONS'));
    if (localOnly(p) || fallbackAllowed(p, ctx)) {
      calls.push(deleteCall(destination, source, destination, 'LOCAL_CONFIGURATION_ONLY', localOnly(p) ? undefined : 'only if the full delete fails or hangs while the primary is unavailable'));
    }
    if (observesSource(p, ctx)) calls.push(deleteCall(source, source, destination, 'LOCAL_CONFIGURATION_ONLY', `only if the ${source.side} side still lists the replication after the other side dropped it`));
    calls.push(callOn(destination, 'UpdateFileSystemProtection', { FileSystemId: destination.fileSystemId, ReplicationOverwriteProtection: 'ENABLED' }, { note: 'only if protection is DISABLED once the replication is gone' }));
    return calls;
  },
  sides(p, ctx): Side[] {
    const destination = otherSide(p.source);
    return observesSource(p, ctx) ? [p.source, destination] : [destination];
  },
  async observe(ctx, p) {
    const { source, destination } = sides(p, ctx);
    const [destinationFs, destinationList, sourceList] = await Promise.all([
      describeFileSystem(ctx, destination).then((v) => v ?? null),
      describeReplications(ctx, destination),
      observesSource(p, ctx) ? describeReplications(ctx, source) : Promise.resolve(undefined),
    ]);
    return {
      now: ctx.clock.now(),
      source,
      destination,
      destinationFs,
      atDestination: findReplication(destinationList, source.fileSystemId, destination.fileSystemId),
      foreignIntoDestination: destinationList.filter((r) => r.destinationId === destination.fileSystemId && r.sourceId !== source.fileSystemId),
      atSource: sourceList === undefined ? 'not-observed' : findReplication(sourceList, source.fileSystemId, destination.fileSystemId),
    };
  },
  decide: decideEfsPromote,
  async apply(ctx, p, obs, phase) {
    const { source, destination } = obs;
    switch (phase) {
      case 'delete': {
        try {
          await ctx.aws.call(destination, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: source.fileSystemId, DeletionMode: 'ALL_CONFIGURATIONS' });
        } catch (err) {
          if (isAbsentError(err)) return rememberPromotion(ctx, p, obs, 'ALL_CONFIGURATIONS', false);
          if (!fallbackAllowed(p, ctx) || isThrottlingError(err)) throw err;
          // The primary is down: a delete that needs both sides cannot complete, so delete the DR side only.
          ctx.note(`deleting on both sides failed (${(err as Error).message}); deleting the DR side's configuration only (LOCAL_CONFIGURATION_ONLY) and remembering the orphan on the primary`);
          await deleteFrom(ctx, destination, source.fileSystemId, 'LOCAL_CONFIGURATION_ONLY');
          return rememberPromotion(ctx, p, obs, 'LOCAL_CONFIGURATION_ONLY', true);
        }
        return rememberPromotion(ctx, p, obs, 'ALL_CONFIGURATIONS', false);
      }
      case 'delete-local': {
        await deleteFrom(ctx, destination, source.fileSystemId, 'LOCAL_CONFIGURATION_ONLY');
        return rememberPromotion(ctx, p, obs, 'LOCAL_CONFIGURATION_ONLY', ctx.applied.some((a) => a.phase === 'delete'));
      }
      case 'delete-source':
        await deleteFrom(ctx, source, source.fileSystemId, 'LOCAL_CONFIGURATION_ONLY');
        return { sourceConfigurationRemoved: true };
      case 'protect':
        await ctx.aws.call(destination, 'efs', 'UpdateFileSystemProtection', { FileSystemId: destination.fileSystemId, ReplicationOverwriteProtection: 'ENABLED' });
        return {};
      default:
        throw new Error(`efs.promote: unknown phase ${phase}`);
    }
  },
  wait: { timeoutMs: 30 * 60_000, pollMs: 15_000 },
};
