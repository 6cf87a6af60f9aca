/**
 * Full drills of the three example runbooks against the in-process sandbox, with durations set in the sandbox's
 * scenario: every phase passes, and RTO and RPO are what those settings imply.
 *
 * How close "what the settings imply" can be: a wait notices a change at its next poll, so each step that waits
 * may add up to one poll interval (the engine's longest, planPollDelay's cap, at the sandbox poll scale); a canary
 * is seen within one canaryPollMs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_POLL_SCALE } from '../../src/cli/run-context.js';
import { readCheckpoint } from '../../src/engine/checkpoint.js';
import { planPollDelay } from '../../src/engine/retry.js';
import { efsLinks } from '../../src/sandbox/services/efs/model.js';
import { readObject } from '../../src/sandbox/services/s3/index.js';
import { efsPromote } from '../../src/steps/efs-promote.js';
import { fsxEnsureAssociation } from '../../src/steps/fsx-ensure-association.js';
import { fsxEnsureFilesystem } from '../../src/steps/fsx-ensure-filesystem.js';
import { fsxExport } from '../../src/steps/fsx-export.js';
import { fsxImport } from '../../src/steps/fsx-import.js';
import { s3BatchReplicate } from '../../src/steps/s3-batch-replicate.js';
import { s3WaitReplicated } from '../../src/steps/s3-wait-replicated.js';
import type { RunEvent } from '../../src/engine/events.js';
import { PRIMARY, RUNBOOK, SECONDARY, drFileSystems, lustreFiles } from '../e2e-storage/lustre-expect.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { CANARY_POLL_MS, runDrillOn } from './drill-harness.js';
import type { DrillRunResult } from './drill-harness.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const S = 1000;
const PHASES = ['readiness', 'canary', 'failover', 'verify-dr', 'failback', 'verify-primary', 'cleanup'];

/** The longest the engine waits between two polls of a step kind, on the sandbox. */
function pollSlack(kind: { wait?: { pollMs: number } }): number {
  if (!kind.wait) throw new Error('not a waiting step kind');
  return planPollDelay(kind.wait.pollMs * SANDBOX_POLL_SCALE, Number.MAX_SAFE_INTEGER);
}

function expectPassed(result: DrillRunResult): void {
  const { record } = result.outcome;
  expect(record.drill.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.outcome).toMatchObject({ exitCode: 0, status: 'succeeded' });
  expect(record.drill.phases.map((p) => `${p.name} ${p.outcome}`)).toEqual(PHASES.map((p) => `${p} ok`));
  expect(record.drill.restoreHint).toBeUndefined();
}

function measurementOf(result: DrillRunResult) {
  const [m, ...others] = result.outcome.record.drill.measurements;
  expect(others).toEqual([]);
  if (!m?.rtoMs || m.rpoMs === undefined) throw new Error(`RTO/RPO not measured: ${JSON.stringify(m)}`);
  return { ...m, rtoMs: m.rtoMs, rpoMs: m.rpoMs };
}

describe('efs-prod drill', () => {
  const syncInterval = 10 * S;
  const syncLag = 45 * S;
  const deleting = 20 * S;

  it('RPO is the replication lag at promotion (sync lag + time since the last sync); RTO the DELETING time', async () => {
    h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml', scenario: { settings: { 'efs.syncInterval': '10s', 'efs.syncLag': '45s', 'efs.deleting': '20s' } } });
    const [link] = Object.values(efsLinks(h.world));
    if (!link) throw new Error('the seeded world has no EFS replication');
    const result = await runDrillOn(h);
    expectPassed(result);
    const m = measurementOf(result);

    // The only wait of the failover is the deletion of the replication.
    expect(m.rtoMs).toBeGreaterThanOrEqual(deleting);
    expect(m.rtoMs).toBeLessThanOrEqual(deleting + pollSlack(efsPromote));

    // The sandbox's LastReplicatedTimestamp at the promotion: the last sync tick, minus the lag.
    const failover = await readCheckpoint(h.stateDir, result.outcome.record.childRunIds[0] ?? '');
    const promotedAt = Date.parse(String(failover?.steps.find((s) => s.id === 'promote')?.outputs.promotedAt));
    const lastSync = link.initialSyncAt + Math.floor((promotedAt - link.initialSyncAt) / syncInterval) * syncInterval;
    expect(m.rpoMs).toBe(promotedAt - (lastSync - syncLag));
    expect(m.rpoMs).toBeGreaterThanOrEqual(syncLag);
    expect(m.rpoMs).toBeLessThan(syncLag + syncInterval);
    expect(m.rpoSource).toContain('LastReplicatedTimestamp');
    expect(m).toMatchObject({ rtoTargetMs: 30 * 60 * S, rpoTargetMs: 15 * 60 * S });
  });
});

describe('media-bucket drill', () => {
  it('RPO is the replication lag the canary saw; RTO the Batch Replication job of the failover', async () => {
    h = await openSandboxRun({
      runbookFile: 'runbooks/s3-buckets.yaml',
      scenario: { settings: { 's3.replicationLag': '40s', 's3control.jobNew': '10s', 's3control.jobPreparing': '20s', 's3control.jobReady': '10s', 's3control.jobActive': '30s' } },
    });
    const result = await runDrillOn(h);
    expectPassed(result);
    const m = measurementOf(result);

    expect(m.rpoMs).toBeGreaterThanOrEqual(40 * S);
    expect(m.rpoMs).toBeLessThanOrEqual(40 * S + CANARY_POLL_MS);
    expect(m.rpoSource).toBe('time for the canary to travel s3://media-prod-us-east-1/media/ → replication → s3://media-dr-us-west-2/media/');

    // backfill waits for the job (New → Preparing → Ready → Active → Complete); wait-replicated polls once after
    // recording the failover point. Nothing else in the failover waits.
    const job = (10 + 20 + 10 + 30) * S;
    expect(m.rtoMs).toBeGreaterThanOrEqual(job);
    expect(m.rtoMs).toBeLessThanOrEqual(job + pollSlack(s3BatchReplicate) + pollSlack(s3WaitReplicated));
  });
});

describe('lustre-prod drill', () => {
  const settings = {
    's3.replicationLag': '30s',
    'fsx.autoExportLag': '10s',
    'fsx.autoImportLag': '10s',
    'fsx.fileSystemCreate': '60s',
    'fsx.associationCreate': '20s',
    'fsx.taskStart': '5s',
    'fsx.taskRun': '15s',
  };

  it('follows the canary Lustre → export → bucket → replication → DR bucket → import → DR Lustre; RPO by it, RTO the failover\'s durations', async () => {
    const run = (h = await openSandboxRun({ runbookFile: RUNBOOK, scenario: { settings } }));
    const seen: Record<string, unknown> = {};
    const look = (event: RunEvent) => {
      const phase = event.type === 'note' ? /^drill (\S+): phase (\S+) (started|ok)/.exec(event.message) : null;
      if (!phase) return;
      const key = `data/.drctl-canary/${phase[1]}.txt`;
      if (phase[2] === 'failover' && phase[3] === 'started') {
        // Before the failover: exported to the primary bucket, replicated to the DR bucket; no DR Lustre yet.
        seen.beforeFailover = {
          primaryBucket: readObject(run.world, PRIMARY.bucket, key)?.version.replicationStatus,
          drBucket: readObject(run.world, SECONDARY.bucket, key)?.version.replicationStatus,
          drLustre: drFileSystems(run.world).length,
        };
      }
      if (phase[2] === 'verify-dr' && phase[3] === 'ok') seen.onDrLustre = lustreFiles(run.world, 'secondary').filter((f) => f.startsWith(`/${key}=`)).length;
    };
    // One step at a time: FakeClock.sleep advances the clock once per sleeper, so the waits of parallel branches
    // would add up instead of overlapping. In sequence, virtual time is exactly the sum of the sandbox durations.
    const result = await runDrillOn(run, { onEvent: look, parallel: 1 });
    expectPassed(result);
    expect(seen).toEqual({ beforeFailover: { primaryBucket: 'COMPLETED', drBucket: 'REPLICA', drLustre: 0 }, onDrLustre: 1 });
    const m = measurementOf(result);

    expect(m.rpoSource).toBe(
      'time for the canary to travel Lustre fs-0123456789abcdef1:/data → export → s3://lustre-prod-us-east-1/data/ → replication → s3://lustre-dr-us-west-2/data/ (the DR bucket) → import at failover → DR Lustre /data',
    );
    expect(m.rpoMs).toBeGreaterThanOrEqual((10 + 30) * S);
    expect(m.rpoMs).toBeLessThanOrEqual((10 + 30) * S + CANARY_POLL_MS);

    // export-primary: a task; wait-replicated: the export's report object replicates, then one poll after recording
    // the failover point; dr-filesystem: creation; dr-associations: the link; import-dr: a task.
    const task = (5 + 15) * S;
    const expected = task + 30 * S + 60 * S + 20 * S + task;
    const slack = pollSlack(fsxExport) + 2 * pollSlack(s3WaitReplicated) + pollSlack(fsxEnsureFilesystem) + pollSlack(fsxEnsureAssociation) + pollSlack(fsxImport);
    expect(m.rtoMs).toBeGreaterThanOrEqual(expected);
    expect(m.rtoMs).toBeLessThanOrEqual(expected + slack);
  });
});
