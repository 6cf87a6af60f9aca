/**
 * efs.check: the preflight of an EFS failover or failback. Read-only. It proves the starting state the rest of
 * the procedure assumes, and refuses (exit 3) with what is wrong and what to do when it does not hold:
 *  - replicating (failover): both file systems available, a primary → secondary replication ENABLED whose
 *    initial sync finished, lag within the resource's RPO (--force accepts more), DR mount targets ready;
 *  - promoted (failback): the DR file system is writable and not a replication destination.
 */
import { z } from 'zod';
import { parseDuration, renderDuration } from '../util/duration.js';
import type { DescribeContext, StepContext, StepKind } from './types.js';
import type { EfsSide, FileSystemView, ReplicationView } from './efs-common.js';
import {
  callOn,
  describeFileSystem,
  describeMountTargets,
  describeReplications,
  efsResourceOf,
  efsSide,
  findReplication,
  iso,
  nameOf,
  renderReplication,
} from './efs-common.js';
import { decideEfsPromoted } from './efs-check-promoted.js';

const params = z
  .object({
    expect: z
      .enum(['replicating', 'promoted', 'auto'])
      .default('auto')
      .describe(
        'State to prove: `replicating` (before failover: primary → secondary healthy and within RPO), `promoted` (before failback: the DR side is writable), or `auto`: replicating for failover and drills, promoted for failback.',
      ),
  })
  .strict();
export type EfsCheckParams = z.infer<typeof params>;
type Expectation = 'replicating' | 'promoted';

export interface EfsCheckObserved {
  expect: Expectation;
  now: number;
  primary: EfsSide;
  secondary: EfsSide;
  /** undefined: not observed (--primary-unavailable); null: not found. */
  primaryFs: FileSystemView | null | undefined;
  secondaryFs: FileSystemView | null;
  primaryReplications: ReplicationView[] | undefined;
  secondaryReplications: ReplicationView[];
  /** DR mount targets (replicating only). */
  mountTargets: Array<{ availabilityZoneName: string; lifeCycleState: string }>;
}

function expectationOf(p: EfsCheckParams, operation: DescribeContext['operation']): Expectation {
  if (p.expect !== 'auto') return p.expect;
  return operation === 'failback' ? 'promoted' : 'replicating';
}

function primaryObserved(expect: Expectation, ctx: Pick<DescribeContext, 'flags'>): boolean {
  // A failback needs the primary, so 'promoted' always looks at it (and refuses if it is marked unavailable).
  return expect === 'promoted' || !ctx.flags.primaryUnavailable;
}

export function decideEfsReplicating(obs: EfsCheckObserved, ctx: StepContext): ReturnType<StepKind['decide']> {
  const { primary, secondary } = obs;
  const missing = [obs.secondaryFs === null ? secondary : undefined, obs.primaryFs === null ? primary : undefined].find(Boolean);
  if (missing) {
    return { state: 'blocked', reason: `file system ${nameOf(missing)} was not found`, hint: `Check ${missing.side}.fileSystemId of ${ctx.resourceName} in the runbook, and that it lives in account ${missing.account} (${missing.accountId}) ${missing.region}.` };
  }
  for (const [side, fs] of [[secondary, obs.secondaryFs], [primary, obs.primaryFs]] as const) {
    if (fs && fs.lifeCycleState !== 'available') {
      return { state: 'blocked', reason: `file system ${nameOf(side)} is ${fs.lifeCycleState}, not available`, hint: fs.lifeCycleState === 'error' ? 'A file system in `error` cannot recover: restore a backup into a new file system and update the runbook.' : 'Wait until it is available, then re-run the same command.' };
    }
  }
  const replication = findReplication(obs.secondaryReplications, primary.fileSystemId, secondary.fileSystemId) ?? findReplication(obs.primaryReplications ?? [], primary.fileSystemId, secondary.fileSystemId);
  if (!replication) return blockedWithoutReplication(obs, ctx);

  const notes: string[] = [];
  const acceptedWhileDown = ['PAUSED', 'PAUSING', 'ERROR'];
  if (replication.status === 'DELETING') {
    // An earlier failover (perhaps abandoned with --new-run) already asked for the deletion: promote waits for it.
    return { state: 'done', reason: `replication ${renderReplication(replication)} is being deleted: a promotion is already under way; the promote step waits for it`, outputs: { replicationStatus: replication.status, promotionUnderWay: true } };
  }
  if (replication.status !== 'ENABLED') {
    if (ctx.flags.primaryUnavailable && acceptedWhileDown.includes(replication.status)) {
      notes.push(`replication is ${replication.status} (accepted: the primary is marked unavailable)`);
    } else {
      return { state: 'blocked', reason: `replication ${renderReplication(replication)} is not ENABLED`, hint: statusHint(replication.status, ctx) };
    }
  }
  const rpoMs = parseDuration(efsResourceOf(ctx).rpo) ?? 15 * 60_000;
  let lagMs: number | undefined;
  if (replication.lastReplicatedAt === undefined) {
    const reason = `the initial sync of ${renderReplication(replication)} has not finished (no LastReplicatedTimestamp): the DR copy may be incomplete`;
    if (!ctx.flags.force) return { state: 'blocked', reason, hint: 'Wait for the initial sync to finish (the console shows "Initial sync in progress"), or accept an incomplete DR copy with --force.' };
    notes.push(`${reason} — accepted with --force`);
  } else {
    lagMs = Math.max(0, obs.now - replication.lastReplicatedAt);
    if (lagMs > rpoMs) {
      const reason = `replication lag ${renderDuration(lagMs)} exceeds the RPO of ${renderDuration(rpoMs)} (last replicated ${iso(replication.lastReplicatedAt)})`;
      if (!ctx.flags.force) {
        return { state: 'blocked', reason, hint: 'Changes on the primary after that instant would be lost. Check the replication (StatusMessage, CloudWatch TimeSinceLastSync) and retry, or accept the loss with --force.' };
      }
      notes.push(`${reason} — accepted with --force`);
    }
  }
  const mountProblem = mountTargetProblem(obs, ctx);
  if (mountProblem) return mountProblem;
  const azs = [...new Set(obs.mountTargets.filter((m) => m.lifeCycleState === 'available').map((m) => m.availabilityZoneName))].sort();
  const lagText = lagMs === undefined ? 'no completed sync' : `lag ${renderDuration(lagMs)} within RPO ${renderDuration(rpoMs)}`;
  return {
    state: 'done',
    reason: [`replication ${renderReplication(replication)}, ${lagText}, DR mount targets in ${azs.join(', ')}`, ...notes].join('; '),
    outputs: {
      replicationStatus: replication.status,
      lagSeconds: lagMs === undefined ? null : Math.round(lagMs / 1000),
      lastReplicatedAt: replication.lastReplicatedAt === undefined ? null : iso(replication.lastReplicatedAt),
      rpoSeconds: Math.round(rpoMs / 1000),
      drMountTargetAzs: azs,
    },
  };
}

function blockedWithoutReplication(obs: EfsCheckObserved, ctx: StepContext): ReturnType<StepKind['decide']> {
  const { primary, secondary } = obs;
  const others = [...obs.secondaryReplications, ...(obs.primaryReplications ?? [])];
  const reverse = findReplication(others, secondary.fileSystemId, primary.fileSystemId);
  if (reverse) {
    return { state: 'blocked', reason: `replication runs the other way: ${renderReplication(reverse)} (a failback is in progress)`, hint: `Finish it with \`drctl failback --fs ${ctx.resourceName}\` before failing over again.` };
  }
  if (others.length > 0) {
    return { state: 'blocked', reason: `no replication ${primary.fileSystemId} → ${secondary.fileSystemId}; found instead: ${others.map(renderReplication).join('; ')}`, hint: 'Fix the file system ids in the runbook, or clear the other configuration before failing over.' };
  }
  if (obs.secondaryFs?.protection === 'ENABLED') {
    // The failover's goal already holds. Not `procedureDone`: steps after the promotion (remount, DNS) may not
    // have run, so they run again; the promotion itself will find nothing to do.
    const when = ctx.memory.lastFailoverAt ? ` (drctl failed it over at ${ctx.memory.lastFailoverAt})` : '';
    return { state: 'done', reason: `${nameOf(secondary)} is not a replication destination and is writable: ${ctx.resourceName} is already failed over${when}`, outputs: { alreadyFailedOver: true } };
  }
  return { state: 'blocked', reason: `no replication configuration ${primary.fileSystemId} → ${secondary.fileSystemId} was found`, hint: 'Create the replication (primary → secondary) and wait for its initial sync before relying on failover; check the file system ids in the runbook.' };
}

function statusHint(status: string, ctx: StepContext): string {
  switch (status) {
    case 'ENABLING':
      return 'The replication is still being created; wait for ENABLED and the initial sync, then re-run.';
    case 'DELETING':
      return `The replication is being deleted: a failover may already be under way. Check \`drctl status\`, or re-run \`drctl failover --fs ${ctx.resourceName}\` to resume it.`;
    case 'PAUSED':
    case 'PAUSING':
      return 'Replication is paused (region opt-out or a configuration/permission problem; see the status message). Fix the cause, or if the primary region is down re-run with --primary-unavailable.';
    case 'ERROR':
      return 'The replication is in an unrecoverable error (see the status message). If the primary is lost, re-run with --primary-unavailable to promote the DR copy as it is.';
    default:
      return 'Inspect the replication with `aws efs describe-replication-configurations` in both regions.';
  }
}

function mountTargetProblem(obs: EfsCheckObserved, ctx: StepContext): ReturnType<StepKind['decide']> | undefined {
  const rules = efsResourceOf(ctx).mountTargets;
  const available = new Set(obs.mountTargets.filter((m) => m.lifeCycleState === 'available').map((m) => m.availabilityZoneName));
  const seen = obs.mountTargets.map((m) => `${m.availabilityZoneName}:${m.lifeCycleState}`).join(', ') || 'none';
  const hint = `Create mount targets for ${obs.secondary.fileSystemId} in ${obs.secondary.region} (aws efs create-mount-target) so clients can mount the DR copy, then re-run.`;
  if (rules.availabilityZones && rules.availabilityZones.length > 0) {
    const missing = rules.availabilityZones.filter((az) => !available.has(az));
    if (missing.length > 0) return { state: 'blocked', reason: `DR file system ${nameOf(obs.secondary)} has no available mount target in ${missing.join(', ')} (seen: ${seen})`, hint };
    return undefined;
  }
  const required = obs.secondaryFs?.availabilityZoneName ? 1 : rules.minAvailabilityZones;
  if (available.size < required) {
    return { state: 'blocked', reason: `DR file system ${nameOf(obs.secondary)} has available mount targets in ${available.size} availability zone(s), ${required} required (seen: ${seen})`, hint };
  }
  return undefined;
}

export const efsCheck: StepKind<EfsCheckParams, EfsCheckObserved> = {
  kind: 'efs.check',
  summary: 'Preflight for EFS: proves replication is healthy and within RPO before failover, or that the DR side is writable before failback.',
  appliesTo: ['efs'],
  // Lag and state may have changed since an interrupted run passed this check: a resume checks again.
  recheckOnResume: true,
  params,
  describe(p, ctx) {
    const expect = expectationOf(p, ctx.operation);
    const secondary = efsSide(ctx, 'secondary');
    const primary = efsSide(ctx, 'primary');
    return expect === 'replicating'
      ? `check replication ${primary.fileSystemId} → ${secondary.fileSystemId} is ENABLED within RPO ${efsResourceOf(ctx).rpo} and DR mount targets are ready`
      : `check DR file system ${secondary.fileSystemId} is writable and not a replication destination`;
  },
  calls(p, ctx) {
    const expect = expectationOf(p, ctx.operation);
    const sides = primaryObserved(expect, ctx) ? [efsSide(ctx, 'primary'), efsSide(ctx, 'secondary')] : [efsSide(ctx, 'secondary')];
    const calls = sides.flatMap((s) => [
      callOn(s, 'DescribeFileSystems', { FileSystemId: s.fileSystemId }),
      callOn(s, 'DescribeReplicationConfigurations', { FileSystemId: s.fileSystemId }),
    ]);
    if (expect === 'replicating') {
      const dr = efsSide(ctx, 'secondary');
      calls.push(callOn(dr, 'DescribeMountTargets', { FileSystemId: dr.fileSystemId }));
    }
    return calls;
  },
  sides(p, ctx) {
    return primaryObserved(expectationOf(p, ctx.operation), ctx) ? ['primary', 'secondary'] : ['secondary'];
  },
  async observe(ctx, p) {
    const expect = expectationOf(p, ctx.operation);
    const primary = efsSide(ctx, 'primary');
    const secondary = efsSide(ctx, 'secondary');
    const withPrimary = primaryObserved(expect, ctx) && !(expect === 'promoted' && ctx.flags.primaryUnavailable);
    const [secondaryFs, secondaryReplications, primaryFs, primaryReplications, mountTargets] = await Promise.all([
      describeFileSystem(ctx, secondary).then((v) => v ?? null),
      describeReplications(ctx, secondary),
      withPrimary ? describeFileSystem(ctx, primary).then((v) => v ?? null) : Promise.resolve(undefined),
      withPrimary ? describeReplications(ctx, primary) : Promise.resolve(undefined),
      expect === 'replicating' ? describeMountTargets(ctx, secondary) : Promise.resolve([]),
    ]);
    return { expect, now: ctx.clock.now(), primary, secondary, primaryFs, secondaryFs, primaryReplications, secondaryReplications, mountTargets };
  },
  decide(obs, _p, ctx) {
    return obs.expect === 'replicating' ? decideEfsReplicating(obs, ctx) : decideEfsPromoted(obs, ctx);
  },
  async apply() {
    // A preflight never changes anything; decide() only answers done or blocked.
  },
};
