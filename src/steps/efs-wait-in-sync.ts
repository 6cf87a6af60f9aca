/**
 * efs.wait-in-sync: after writers were stopped (an approval step whose `approvedAt` output is the quiesce time),
 * wait until the replication `from` → `to` has a LastReplicatedTimestamp later than that instant: only then is
 * every change made before the quiesce on the destination (EFS replication is not point-in-time consistent,
 * aws-reference.md §1.4). Read-only.
 */
import { z } from 'zod';
import { nameSchema } from '../runbook/common.js';
import type { Side } from '../runbook/schema.js';
import { renderDuration } from '../util/duration.js';
import type { StepKind } from './types.js';
import type { EfsSide, ReplicationView } from './efs-common.js';
import { callOn, describeReplications, efsSide, findReplication, iso, renderReplication } from './efs-common.js';

const sideSchema = z.enum(['primary', 'secondary']);

const params = z
  .object({
    from: sideSchema.default('secondary').describe('Source side of the replication to wait for. Default secondary (failback).'),
    to: sideSchema.default('primary').describe('Destination side. Default primary.'),
    after: nameSchema.default('quiesce').describe('Id of an earlier step of this resource whose `approvedAt` output is the moment writers stopped. Default quiesce.'),
  })
  .strict()
  .refine((p) => p.from !== p.to, { message: '`from` and `to` must be different sides', path: ['to'] });
type Params = z.infer<typeof params>;

export interface EfsWaitInSyncObserved {
  now: number;
  from: EfsSide;
  to: EfsSide;
  replication: ReplicationView | undefined;
}

export const efsWaitInSync: StepKind<Params, EfsWaitInSyncObserved> = {
  kind: 'efs.wait-in-sync',
  summary: 'Waits until an EFS replication has carried every change made before writers were stopped (LastReplicatedTimestamp after the quiesce time).',
  appliesTo: ['efs'],
  params,
  describe(p, ctx) {
    const from = efsSide(ctx, p.from);
    const to = efsSide(ctx, p.to);
    return `wait until replication ${from.fileSystemId} → ${to.fileSystemId} has synced past the time of step '${p.after}'`;
  },
  calls(p, ctx) {
    const from = efsSide(ctx, p.from);
    return [callOn(from, 'DescribeReplicationConfigurations', { FileSystemId: from.fileSystemId })];
  },
  sides(p): Side[] {
    return [p.from];
  },
  async observe(ctx, p) {
    const from = efsSide(ctx, p.from);
    const to = efsSide(ctx, p.to);
    const list = await describeReplications(ctx, from);
    return { now: ctx.clock.now(), from, to, replication: findReplication(list, from.fileSystemId, to.fileSystemId) };
  },
  decide(obs, p, ctx) {
    const approvedAt = ctx.outputs[p.after]?.approvedAt;
    const quiescedAt = typeof approvedAt === 'string' ? Date.parse(approvedAt) : Number.NaN;
    if (!Number.isFinite(quiescedAt)) {
      return { state: 'blocked', reason: `step '${p.after}' has not recorded when writers stopped (no approvedAt output)`, hint: `efs.wait-in-sync must run after the approval step '${p.after}' of ${ctx.resourceName}; fix \`after:\` or the step order in the runbook.` };
    }
    const r = obs.replication;
    if (!r) {
      return { state: 'blocked', reason: `there is no replication ${obs.from.fileSystemId} → ${obs.to.fileSystemId} to wait for`, hint: 'The replication step before this one should have created it; check `drctl status` and the replication in both regions.' };
    }
    if (r.status !== 'ENABLED' && r.status !== 'ENABLING') {
      return { state: 'blocked', reason: `replication ${renderReplication(r)} cannot catch up`, hint: 'Fix the cause named in the status message, then re-run to keep waiting.' };
    }
    if (r.lastReplicatedAt !== undefined && r.lastReplicatedAt > quiescedAt) {
      return { state: 'done', reason: `replication ${renderReplication(r)} synced at ${iso(r.lastReplicatedAt)}, after writers stopped at ${iso(quiescedAt)}`, outputs: { syncedAt: iso(r.lastReplicatedAt), quiescedAt: iso(quiescedAt) } };
    }
    const last = r.lastReplicatedAt === undefined ? 'initial sync still running' : `last synced ${iso(r.lastReplicatedAt)}`;
    return { state: 'waiting', reason: `replication ${r.sourceId} → ${r.destinationId}: ${last}; waiting for a sync after ${iso(quiescedAt)} (${renderDuration(Math.max(0, obs.now - quiescedAt))} since writers stopped)` };
  },
  async apply() {
    // Nothing to do: this step only waits (decide never answers apply).
  },
  wait: { timeoutMs: 2 * 3_600_000, pollMs: 30_000 },
};
