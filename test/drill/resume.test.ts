/**
 * A drill whose failback fails leaves the system in a documented state: its record says which phases finished,
 * where the failback stopped and which command restores production. Once the cause is gone, running the same
 * drill again resumes it — same drill id, earlier phases (and the failover) not repeated — and it passes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/engine/checkpoint.js';
import type { RunEvent } from '../../src/engine/events.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { FAILBACK_PRESERVE_MUTATIONS, FAILOVER_MUTATIONS, SECONDARY, expectFailedOver, expectProtected, mutationsOf } from '../integration/efs-expect.js';
import { runDrillOn } from './drill-harness.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FINISHED_BEFORE_FAILBACK = ['readiness ok', 'canary ok', 'failover ok', 'verify-dr ok'];

function phasesOf(record: { drill: { phases: Array<{ name: string; outcome: string }> } }): string[] {
  return record.drill.phases.map((p) => `${p.name} ${p.outcome}`);
}

async function operationsOfChildren(run: SandboxRun, ids: string[]): Promise<string[]> {
  const operations: string[] = [];
  for (const id of ids) operations.push(`${(await readCheckpoint(run.stateDir, id))?.operation ?? '?'} ${id}`);
  return operations;
}

describe('efs-prod drill whose failback is denied', () => {
  it('stops with the DR side active and says how to go on; resumed after the fix, it fails back and passes', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' }));
    // The DR account's role may not create the reverse replication: the failback's replicate-back step fails.
    const denied = run.world.faults.add({ kind: 'access-denied', match: { service: 'efs', operation: 'CreateReplicationConfiguration', accountId: SECONDARY.accountId } });

    const first = await runDrillOn(run);
    expect(first.outcome).toMatchObject({ exitCode: 1, status: 'failed' });
    const { record } = first.outcome;
    expect(phasesOf(record)).toEqual([...FINISHED_BEFORE_FAILBACK, 'failback failed']);
    const failbackPhase = record.drill.phases.at(-1);
    expect(failbackPhase?.detail).toMatch(/^failback run \S+-failback-\S+ failed at efs-prod\/replicate-back: efs CreateReplicationConfiguration .*AccessDenied/);
    expect(failbackPhase?.detail).toContain('elasticfilesystem:CreateReplicationConfiguration');
    const [failoverId, failbackId] = record.childRunIds;
    expect(record.drill.restoreHint).toBe(
      `The failback (run ${failbackId}) stopped at efs-prod/replicate-back after efs-prod/preflight, efs-prod/remove-orphan. ` +
        'Fix the cause shown for efs-prod/replicate-back, then re-run `drctl drill --fs efs-prod`: it resumes that failback run at efs-prod/replicate-back (finished steps and drill phases are not repeated) and completes the drill. ' +
        'To give up the drill instead, finish the failback by hand with `drctl failback --fs efs-prod` (it resumes the same run).',
    );
    // The documented state: failed over, DR writable, nothing replicating back yet.
    await expectFailedOver(run);
    expect(mutationsOf(run)).toEqual([...FAILOVER_MUTATIONS, FAILBACK_PRESERVE_MUTATIONS[0]]);

    run.world.faults.remove(denied);
    const since = run.requests.length;
    const resumed = await runDrillOn(run);
    expect(resumed.outcome).toMatchObject({ exitCode: 0, status: 'succeeded', runId: first.outcome.runId });
    expect(resumed.outcome.record.drill.checks.filter((c) => !c.ok)).toEqual([]);
    expect(phasesOf(resumed.outcome.record)).toEqual([...FINISHED_BEFORE_FAILBACK, 'failback ok', 'verify-primary ok', 'cleanup ok']);
    // Phases finished in the first attempt kept their times; the failback run was resumed, not started again.
    expect(resumed.outcome.record.drill.phases.slice(0, 4)).toEqual(record.drill.phases.slice(0, 4));
    expect(resumed.outcome.record.childRunIds).toEqual([failoverId, failbackId]);
    expect(await operationsOfChildren(run, resumed.outcome.record.childRunIds)).toEqual([`failover ${failoverId}`, `failback ${failbackId}`]);
    // No second failover: only the rest of the failback reached AWS.
    expect(mutationsOf(run, since)).toEqual(FAILBACK_PRESERVE_MUTATIONS.slice(1));
    expect(resumed.requests.filter((r) => r.mutating && r.accountId === SECONDARY.accountId && r.operation === 'DeleteReplicationConfiguration')).toEqual([]);
    await expectProtected(run);
    expect(resumed.outcome.record.drill.measurements[0]).toMatchObject({ resource: 'efs-prod', rtoMs: expect.any(Number), rpoMs: expect.any(Number) });
  });
});

describe('media-bucket drill whose failback meets a primary region outage', () => {
  it('stops at the failback; after the region is back the same drill resumes and keeps the RPO its canary measured', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/s3-buckets.yaml', scenario: { settings: { 's3.replicationLag': '20s' } } }));
    const outage = (event: RunEvent) => {
      if (event.type === 'note' && /^drill \S+: phase failback started$/.test(event.message)) run.world.faults.setRegionDown('us-east-1');
    };
    const first = await runDrillOn(run, { onEvent: outage });
    expect(first.outcome).toMatchObject({ exitCode: 1, status: 'failed' });
    expect(phasesOf(first.outcome.record)).toEqual([...FINISHED_BEFORE_FAILBACK, 'failback failed']);
    const [, failbackId] = first.outcome.record.childRunIds;
    expect(first.outcome.record.drill.phases.at(-1)?.detail).toMatch(
      /^failback run \S+ failed before its first step \(verifying the accounts\): sts GetCallerIdentity in account prod \(111111111111\) us-east-1 failed: .*ECONNREFUSED.* — the primary region us-east-1 did not answer$/,
    );
    expect(first.outcome.record.drill.restoreHint).toBe(
      `The failback (run ${failbackId}) stopped before its first step (verifying the accounts). ` +
        'Once us-east-1 answers again, re-run `drctl drill --fs media-bucket`: it resumes that failback run (finished steps and drill phases are not repeated) and completes the drill. ' +
        'To give up the drill instead, finish the failback by hand with `drctl failback --fs media-bucket` (it resumes the same run).',
    );
    const rpo = first.outcome.record.drill.measurements[0];
    expect(rpo).toMatchObject({ rpoMs: expect.any(Number), rpoSource: expect.stringContaining('time for the canary to travel') });

    run.world.faults.setRegionDown('us-east-1', false);
    // The failover's only mutation is its Batch Replication job from the primary bucket (in the primary account).
    const failoverJobs = (requests: typeof run.requests) => requests.filter((r) => r.mutating && r.operation === 'CreateJob' && r.accountId === '111111111111');
    expect(failoverJobs(first.requests)).toHaveLength(1);
    const resumed = await runDrillOn(run);
    expect(resumed.outcome).toMatchObject({ exitCode: 0, status: 'succeeded', runId: first.outcome.runId });
    expect(phasesOf(resumed.outcome.record)).toEqual([...FINISHED_BEFORE_FAILBACK, 'failback ok', 'verify-primary ok', 'cleanup ok']);
    expect(resumed.outcome.record.childRunIds).toEqual(first.outcome.record.childRunIds);
    expect(failoverJobs(resumed.requests)).toEqual([]);
    // The canary was not written again, yet its RPO is still reported (and within the target).
    const m = resumed.outcome.record.drill.measurements[0];
    expect(m).toMatchObject({ rpoMs: rpo?.rpoMs, rpoSource: rpo?.rpoSource });
    expect(m?.rpoMs).toBeGreaterThanOrEqual(20_000);
    expect(resumed.outcome.record.drill.checks.find((c) => c.name === 'RPO within target')).toMatchObject({ ok: true });
  });
});
