/**
 * Drills that must not change anything: `--dry-run` readiness checks (only reads reach the sandbox), a drill
 * refused because replication lags beyond the RPO (exit 3, the lag named), and drills while the primary region is
 * down (they stop before any change and point to the outage procedure the runbooks describe).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { expectFailedOver, expectProtected } from '../integration/efs-expect.js';
import { runDrillOn } from './drill-harness.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EXAMPLES = [
  { runbookFile: 'runbooks/efs-prod.yaml', resource: 'efs-prod' },
  { runbookFile: 'runbooks/lustre-s3.yaml', resource: 'lustre-prod' },
  { runbookFile: 'runbooks/s3-buckets.yaml', resource: 'media-bucket' },
] as const;

/** The world's resources as JSON, without the empty per-region containers a first read of a service creates. */
function worldState(run: SandboxRun): string {
  const prune = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const kept = Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => [key, prune(inner)] as const)
      .filter(([, inner]) => !(inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length === 0));
    return Object.fromEntries(kept);
  };
  return JSON.stringify(prune(run.world.data.services));
}

describe('drill --dry-run (readiness)', () => {
  for (const { runbookFile, resource } of EXAMPLES) {
    it(`${resource}: ready (exit 0), and only reads reached the sandbox`, async () => {
      const run = (h = await openSandboxRun({ runbookFile }));
      const before = worldState(run);
      const result = await runDrillOn(run, { flags: { dryRun: true } });
      expect(result.outcome).toMatchObject({ exitCode: 0, status: 'succeeded' });
      expect(result.outcome.runId).toMatch(/-drill-readiness-/);
      expect(result.outcome.record.drill.checks).toEqual([expect.objectContaining({ name: 'ready for failover', ok: true })]);
      const aws = result.requests.filter((r) => r.service !== undefined);
      expect(aws.length).toBeGreaterThan(0);
      expect(aws.filter((r) => r.mutating).map((r) => `${r.service} ${r.operation}`)).toEqual([]);
      // No canary either: the data plane was not used, and the world is as it was.
      expect(result.requests.filter((r) => r.service === undefined)).toEqual([]);
      expect(worldState(run)).toBe(before);
    });
  }
});

describe('a drill while replication lags beyond the RPO', () => {
  it('is refused before any change (exit 3), names the lag, and passes once replication has caught up', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml', scenario: { settings: { 'efs.syncLag': '40m' } } }));
    const before = worldState(run);
    const refused = await runDrillOn(run);
    expect(refused.outcome).toMatchObject({ exitCode: 3, status: 'refused' });
    const { record } = refused.outcome;
    expect(record.drill.phases).toEqual([expect.objectContaining({ name: 'readiness', outcome: 'failed' })]);
    const why = record.drill.phases[0]?.detail ?? '';
    expect(why).toMatch(/^not ready: efs-prod\/preflight would refuse: replication lag 40m\S* exceeds the RPO of 15m/);
    expect(why).toContain('accept the loss with --force');
    expect(record.drill.checks).toEqual([{ name: 'ready for failover', ok: false, detail: why }]);
    expect(record.drill.restoreHint).toBe('Nothing was changed. Fix what the readiness check reported, then run the drill again.');
    expect(record.childRunIds).toEqual([]);
    expect(refused.requests.filter((r) => r.mutating)).toEqual([]);
    expect(worldState(run)).toBe(before);

    // Replication catches up: the same drill, run again, goes through.
    run.world.setDuration('efs.syncLag', 0);
    const passed = await runDrillOn(run);
    expect(passed.outcome).toMatchObject({ exitCode: 0, status: 'succeeded', runId: refused.outcome.runId });
    await expectProtected(run);
  });

  it('a refused readiness check (--dry-run) is not resumed by the next full drill', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml', scenario: { settings: { 'efs.syncLag': '40m' } } }));
    const readiness = await runDrillOn(run, { flags: { dryRun: true } });
    expect(readiness.outcome).toMatchObject({ exitCode: 3, status: 'refused' });
    run.world.setDuration('efs.syncLag', 0);
    const drill = await runDrillOn(run);
    expect(drill.outcome.exitCode).toBe(0);
    expect(drill.outcome.runId).not.toBe(readiness.outcome.runId);
    expect(drill.outcome.runId).toMatch(/-drill-[0-9a-f]+$/);
  });
});

describe('a drill while the primary region is down', () => {
  for (const { runbookFile, resource } of EXAMPLES) {
    it(`${resource}: stops at readiness (exit 1) before any change, and points to failover --primary-unavailable`, async () => {
      const run = (h = await openSandboxRun({ runbookFile }));
      run.world.faults.setRegionDown('us-east-1');
      const before = worldState(run);
      const result = await runDrillOn(run);
      expect(result.outcome).toMatchObject({ exitCode: 1, status: 'failed' });
      const { record } = result.outcome;
      expect(record.drill.phases.map((p) => `${p.name} ${p.outcome}`)).toEqual(['readiness failed']);
      expect(record.drill.phases[0]?.detail).toMatch(/^not ready: the primary region us-east-1 did not answer \(.*account prod \(111111111111\) us-east-1/);
      expect(record.drill.restoreHint).toBe(
        `Nothing was changed. A drill needs both regions: run it again once us-east-1 answers. If the primary region is really down, this is an outage, not a drill: fail over with \`drctl failover --fs ${resource} --primary-unavailable\`.`,
      );
      expect(result.requests.some((r) => r.status === 'connection-refused')).toBe(true);
      expect(result.requests.filter((r) => r.mutating)).toEqual([]);

      // The readiness check alone says the same, as a record (and reports) rather than an error.
      const readiness = await runDrillOn(run, { flags: { dryRun: true } });
      expect(readiness.outcome).toMatchObject({ exitCode: 1, status: 'failed' });
      expect(readiness.outcome.record.drill.checks).toEqual([{ name: 'ready for failover', ok: false, detail: expect.stringMatching(/^not ready: the primary region us-east-1 did not answer/) }]);
      expect(worldState(run)).toBe(before);
    });
  }

  it('efs-prod: the command the drill points to fails over while the region is down', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' }));
    run.world.faults.setRegionDown('us-east-1');
    const drill = await runDrillOn(run);
    expect(drill.outcome.record.drill.restoreHint).toContain('drctl failover --fs efs-prod --primary-unavailable');
    const failover = await run.run('failover', { flags: { primaryUnavailable: true } });
    expect(failover.outcome.exitCode).toBe(0);
    await expectFailedOver(run);
  });
});
