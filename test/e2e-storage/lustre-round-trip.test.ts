/**
 * runbooks/lustre-s3.yaml end to end against the in-process sandbox: the pilot-light failover and the failback,
 * with the primary region up, and down; files written on one side reach the other through S3.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setBucketReplication } from '../../src/sandbox/services/s3/index.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { PRIMARY, RESOURCE, RUNBOOK, SECONDARY, countOf, drFileSystems, lustreFiles, mutationsOf, objectText, writeOnLustre } from './lustre-expect.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const open = async () => (h = await openSandboxRun({ runbookFile: RUNBOOK }));

describe('lustre-prod failover and failback', () => {
  it('creates the DR file system once, links and imports it; failback brings DR files home', async () => {
    const run = await open();
    writeOnLustre(run.world, 'primary', '/data/latest.txt', 'written on the primary just before the failover');

    const failover = await run.run('failover');
    expect(failover.outcome.exitCode).toBe(0);
    expect(mutationsOf(run).sort()).toEqual([
      'CreateDataRepositoryAssociation 222222222222/us-west-2',
      'CreateDataRepositoryTask 111111111111/us-east-1 EXPORT_TO_REPOSITORY',
      'CreateDataRepositoryTask 222222222222/us-west-2 IMPORT_METADATA_FROM_REPOSITORY',
      'CreateFileSystem 222222222222/us-west-2',
    ]);
    expect(drFileSystems(run.world)).toEqual([{ fileSystemId: expect.stringMatching(/^fs-/), lifecycle: 'AVAILABLE', associations: 1 }]);
    // The primary's newest file went Lustre → primary bucket → DR bucket → DR Lustre.
    expect(lustreFiles(run.world, 'secondary')).toContain('/data/latest.txt=written on the primary just before the failover');
    const memory = await run.memory(RESOURCE);
    expect(memory).toMatchObject({ lastFailoverRunId: failover.outcome.runId, primaryUnavailableAtFailover: false });

    const since = run.requests.length;
    writeOnLustre(run.world, 'secondary', '/data/written-on-dr.txt', 'made during the outage');
    const failback = await run.run('failback');
    expect(failback.outcome.exitCode).toBe(0);
    expect(mutationsOf(run, since).sort()).toEqual([
      'CreateDataRepositoryTask 111111111111/us-east-1 IMPORT_METADATA_FROM_REPOSITORY',
      'CreateDataRepositoryTask 222222222222/us-west-2 EXPORT_TO_REPOSITORY',
      'CreateJob 222222222222/us-west-2',
    ]);
    expect(objectText(run.world, PRIMARY.bucket, 'data/written-on-dr.txt')).toBe('made during the outage');
    expect(lustreFiles(run.world, 'primary')).toContain('/data/written-on-dr.txt=made during the outage');
    // The pilot light stays (deleteOnFailback is false in the example).
    expect(drFileSystems(run.world)).toHaveLength(1);
  });

  it('a second failover run never creates a second file system or association', async () => {
    const run = await open();
    expect((await run.run('failover')).outcome.exitCode).toBe(0);
    const since = run.requests.length;
    const again = await run.run('failover', { newRun: true });
    expect(again.outcome.exitCode).toBe(0);
    // A new run exports and imports again (cheap, and the data may have changed), but never creates a second
    // file system or association.
    expect(countOf(run, 'CreateFileSystem', since)).toBe(0);
    expect(countOf(run, 'CreateDataRepositoryAssociation', since)).toBe(0);
    expect(drFileSystems(run.world)).toHaveLength(1);
  });

  it('with the primary region down, skips what needs it and reports the recovery point it accepted', async () => {
    const run = await open();
    const down = run.world.faults.add({ kind: 'region-down', region: PRIMARY.region });
    const failover = await run.run('failover', { flags: { primaryUnavailable: true } });
    expect(failover.outcome.exitCode).toBe(0);
    expect(run.requests.filter((r) => r.region === PRIMARY.region)).toEqual([]);
    const done = (id: string) => failover.events.find((e) => e.type === 'step.done' && e.key === `${RESOURCE}/${id}`);
    expect(done('export-primary')).toMatchObject({ skipped: true });
    const waited = done('wait-replicated');
    expect(waited).toMatchObject({ outputs: { primaryUnavailable: true, rpoPointAt: expect.any(String) } });
    expect(waited?.type === 'step.done' && waited.reason).toContain('primary unavailable: accepting the recovery point');
    expect(await run.memory(RESOURCE)).toMatchObject({ primaryUnavailableAtFailover: true, rpoPointAt: expect.any(String) });
    expect(lustreFiles(run.world, 'secondary').length).toBeGreaterThan(0);

    // Work goes on in the DR region while the primary is down; its objects wait (PENDING) for the primary.
    writeOnLustre(run.world, 'secondary', '/data/outage.txt', 'written while us-east-1 was down');
    run.clock.advance(60_000);
    run.world.faults.remove(down);
    const failback = await run.run('failback');
    expect(failback.outcome.exitCode).toBe(0);
    expect(lustreFiles(run.world, 'primary')).toContain('/data/outage.txt=written while us-east-1 was down');
  });

  it('back-fills DR objects live replication never copied (no rule back during the outage)', async () => {
    const run = await open();
    expect((await run.run('failover')).outcome.exitCode).toBe(0);
    // Someone removed the DR → primary rule during the outage: new DR objects get no replication status (NONE).
    setBucketReplication(run.world, SECONDARY.bucket, undefined);
    writeOnLustre(run.world, 'secondary', '/data/unreplicated.txt', 'only Batch Replication can bring this home');
    run.clock.advance(10 * 60_000);
    expect(objectText(run.world, SECONDARY.bucket, 'data/unreplicated.txt')).toBe('only Batch Replication can bring this home');
    expect(objectText(run.world, PRIMARY.bucket, 'data/unreplicated.txt')).toBeUndefined();

    const since = run.requests.length;
    const failback = await run.run('failback');
    expect(failback.outcome.exitCode).toBe(0);
    expect(countOf(run, 'PutBucketReplication', since)).toBe(1);
    expect(countOf(run, 'CreateJob', since)).toBe(1);
    const backfill = failback.events.find((e) => e.type === 'step.done' && e.key === `${RESOURCE}/backfill`);
    expect(backfill).toMatchObject({ outputs: { tasksSucceeded: expect.any(Number) } });
    expect(backfill?.type === 'step.done' && Number(backfill.outputs.tasksSucceeded)).toBeGreaterThan(0);
    expect(objectText(run.world, PRIMARY.bucket, 'data/unreplicated.txt')).toBe('only Batch Replication can bring this home');
    expect(lustreFiles(run.world, 'primary')).toContain('/data/unreplicated.txt=only Batch Replication can bring this home');
  });

  it('--dry-run lists the calls and changes nothing', async () => {
    const run = await open();
    const plan = await run.run('failover', { flags: { dryRun: true } });
    expect(plan.outcome.exitCode).toBe(0);
    expect(run.mutatingRequests()).toEqual([]);
    expect(drFileSystems(run.world)).toEqual([]);
    const planned = plan.events.filter((e) => e.type === 'step.planned');
    const calls = planned.flatMap((e) => (e.type === 'step.planned' ? e.calls.map((c) => c.operation) : []));
    expect(calls).toEqual(expect.arrayContaining(['CreateFileSystem', 'CreateDataRepositoryTask', 'CreateDataRepositoryAssociation']));
  });
});
