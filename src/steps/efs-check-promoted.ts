/**
 * efs.check with `expect: promoted` (the failback preflight): the DR file system must be writable — not a
 * replication destination — and both sides reachable. An orphaned configuration left on the primary by a
 * failover during an outage is expected here (the next step removes it) and is reported, not refused. When the
 * primary already replicates to the DR copy again (synced), the failback has nothing to do: the step says so and
 * the engine skips the rest of the procedure.
 */
import type { Decision, StepContext } from './types.js';
import type { EfsCheckObserved } from './efs-check.js';
import { findReplication, nameOf, renderReplication } from './efs-common.js';

export function decideEfsPromoted(obs: EfsCheckObserved, ctx: StepContext): Decision {
  const { primary, secondary } = obs;
  if (ctx.flags.primaryUnavailable || obs.primaryFs === undefined) {
    return { state: 'blocked', reason: `failing back ${ctx.resourceName} needs the primary region ${primary.region}, which is marked unavailable`, hint: 'Run the failback once the primary region is back, without --primary-unavailable.' };
  }
  for (const [side, fs] of [[secondary, obs.secondaryFs], [primary, obs.primaryFs]] as const) {
    if (fs === null) {
      return { state: 'blocked', reason: `file system ${nameOf(side)} was not found`, hint: `Check ${side.side}.fileSystemId of ${ctx.resourceName} in the runbook and its account/region.` };
    }
    if (fs.lifeCycleState !== 'available') {
      return { state: 'blocked', reason: `file system ${nameOf(side)} is ${fs.lifeCycleState}, not available`, hint: 'Wait until it is available, then re-run the same command.' };
    }
  }
  const intoSecondary = obs.secondaryReplications.filter((r) => r.destinationId === secondary.fileSystemId);
  const original = findReplication(intoSecondary, primary.fileSystemId, secondary.fileSystemId);
  if (original?.status === 'DELETING') {
    return { state: 'blocked', reason: `the failover of ${ctx.resourceName} has not finished: ${renderReplication(original)}`, hint: `Finish it first: \`drctl failover --fs ${ctx.resourceName}\` resumes it.` };
  }
  if (original?.status === 'ENABLED' && original.lastReplicatedAt !== undefined) {
    // Where a failback ends (the primary replicating to the DR copy again, synced): a re-run has nothing to do.
    return {
      state: 'done',
      procedureDone: true,
      reason: `${ctx.resourceName} is in normal operation: ${renderReplication(original)} protects the primary, so there is nothing to fail back`,
      outputs: { secondaryProtection: obs.secondaryFs?.protection ?? 'unknown', orphanOnPrimary: false, reverseReplicationStatus: null },
    };
  }
  if (original) {
    return { state: 'blocked', reason: `${ctx.resourceName} is not failed over: ${renderReplication(original)} is still in place, so the DR side is a read-only replica`, hint: 'Nothing to fail back. Run `drctl failover` first if that is what you meant.' };
  }
  const other = intoSecondary[0];
  if (other) {
    return { state: 'blocked', reason: `${nameOf(secondary)} is the destination of another replication: ${renderReplication(other)}`, hint: 'Inspect and clear that configuration (aws efs describe-replication-configurations) before failing back.' };
  }
  if (obs.secondaryFs?.protection === 'REPLICATING') {
    return { state: 'blocked', reason: `${nameOf(secondary)} reports overwrite protection REPLICATING: it is still a read-only replica`, hint: 'Wait a minute for the promotion to settle and re-run; if it persists, inspect the replication in both regions.' };
  }
  const primaryList = obs.primaryReplications ?? [];
  const orphan = findReplication(primaryList, primary.fileSystemId, secondary.fileSystemId);
  const reverse = findReplication([...obs.secondaryReplications, ...primaryList], secondary.fileSystemId, primary.fileSystemId);
  const facts = [`${nameOf(secondary)} is writable (protection ${obs.secondaryFs?.protection ?? 'unknown'})`];
  if (orphan) facts.push(`the primary still lists ${renderReplication(orphan)}: an orphan the next step removes`);
  if (reverse) facts.push(`failback replication already exists: ${renderReplication(reverse)}`);
  return {
    state: 'done',
    reason: facts.join('; '),
    outputs: {
      secondaryProtection: obs.secondaryFs?.protection ?? 'unknown',
      orphanOnPrimary: orphan !== undefined,
      reverseReplicationStatus: reverse?.status ?? null,
    },
  };
}
