/**
 * runbooks/s3-buckets.yaml end to end against the in-process sandbox: the declared failover and failback of the
 * media bucket pair (with the exec step that switches applications), and the refusals an operator must see:
 * replication rules changed by someone else, versioning suspended by someone else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findBucket, readObject, setBucketVersioning, writeObject } from '../../src/sandbox/services/s3/index.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';

const RUNBOOK = 'runbooks/s3-buckets.yaml';
const RESOURCE = 'media-bucket';
const PRIMARY_BUCKET = 'media-prod-us-east-1';
const DR_BUCKET = 'media-dr-us-west-2';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const open = async () => (h = await openSandboxRun({ runbookFile: RUNBOOK }));
const operations = (run: SandboxRun, since = 0) => run.mutatingRequests(since).map((r) => `${r.operation} ${r.accountId}/${r.region}`);
const failure = (events: Array<{ type: string }>) => events.find((e) => e.type === 'step.failed') as { key: string; error: { code: string; message: string; hint?: string } } | undefined;

describe('media-bucket failover and failback', () => {
  it('fails over and back, switching applications with the exec step, and brings DR uploads home', async () => {
    const run = await open();
    const failover = await run.run('failover');
    expect(failover.outcome.exitCode).toBe(0);
    expect(operations(run)).toEqual(['CreateJob 111111111111/us-east-1']);
    const notes = failover.events.filter((e) => e.type === 'note' && e.key === `${RESOURCE}/switch-apps`).map((e) => (e.type === 'note' ? e.message : ''));
    expect(notes.join('\n')).toContain(`media uploads now go to ${DR_BUCKET} (us-west-2)`);

    writeObject(run.world, DR_BUCKET, 'media/uploaded-during-outage.jpg', 'jpeg bytes');
    const since = run.requests.length;
    const failback = await run.run('failback');
    expect(failback.outcome.exitCode).toBe(0);
    expect(operations(run, since)).toEqual(['CreateJob 222222222222/us-west-2']);
    expect(readObject(run.world, PRIMARY_BUCKET, 'media/uploaded-during-outage.jpg')?.text).toBe('jpeg bytes');
    const switched = failback.events.filter((e) => e.type === 'note' && e.key === `${RESOURCE}/switch-apps`).map((e) => (e.type === 'note' ? e.message : ''));
    expect(switched.join('\n')).toContain(`media uploads now go to ${PRIMARY_BUCKET} (us-east-1)`);
  });

  it('refuses, with a diff, replication rules someone changed by hand, and restores them with --force', async () => {
    const run = await open();
    const bucket = findBucket(run.world, PRIMARY_BUCKET);
    const ours = bucket?.replication?.rules.find((r) => r.id === 'drctl');
    if (!ours) throw new Error('seeded rule missing');
    ours.status = 'Disabled';
    const refused = await run.run('failover');
    expect(refused.outcome.exitCode).toBe(3);
    const error = failure(refused.events);
    expect(error?.key).toBe(`${RESOURCE}/replication`);
    expect(error?.error.message).toContain(`replication rules on ${PRIMARY_BUCKET} (prod (111111111111) us-east-1) were changed outside drctl`);
    expect(error?.error.message).toContain('Status: Disabled → Enabled');
    expect(error?.error.hint).toContain('--force');
    expect(operations(run)).toEqual([]);

    const forced = await run.run('failover', { flags: { force: true } });
    expect(forced.outcome.exitCode).toBe(0);
    expect(findBucket(run.world, PRIMARY_BUCKET)?.replication?.rules.find((r) => r.id === 'drctl')?.status).toBe('Enabled');
  });

  it('keeps replication rules it does not own when it restores its own', async () => {
    const run = await open();
    const bucket = findBucket(run.world, PRIMARY_BUCKET);
    if (!bucket?.replication) throw new Error('seeded configuration missing');
    const theirs = { ...structuredClone(bucket.replication.rules[0]!), id: 'analytics-copy', priority: 5, filter: { prefix: 'logs/' } };
    bucket.replication.rules = [theirs];
    const failover = await run.run('failover');
    expect(failover.outcome.exitCode).toBe(0);
    expect(findBucket(run.world, PRIMARY_BUCKET)?.replication?.rules.map((r) => r.id)).toEqual(['analytics-copy', 'drctl']);
  });

  it('refuses when someone suspended versioning, naming the bucket and the fix', async () => {
    const run = await open();
    setBucketVersioning(run.world, DR_BUCKET, 'Suspended');
    const refused = await run.run('failover');
    expect(refused.outcome.exitCode).toBe(3);
    const error = failure(refused.events);
    expect(error?.key).toBe(`${RESOURCE}/versioning`);
    expect(error?.error.message).toContain(`versioning of bucket ${DR_BUCKET} (secondary, dr (222222222222) us-west-2) is Suspended`);
    expect(error?.error.hint).toContain(`put-bucket-versioning --bucket ${DR_BUCKET}`);
    expect(operations(run)).toEqual([]);
  });

  it('fails over with the primary region down, touching only the DR region', async () => {
    const run = await open();
    run.world.faults.add({ kind: 'region-down', region: 'us-east-1' });
    const failover = await run.run('failover', { flags: { primaryUnavailable: true } });
    expect(failover.outcome.exitCode).toBe(0);
    expect(run.requests.filter((r) => r.region === 'us-east-1')).toEqual([]);
    const skipped = failover.events.filter((e) => e.type === 'step.done' && e.skipped && e.reason.includes('--primary-unavailable')).map((e) => (e.type === 'step.done' ? e.key : ''));
    expect(skipped).toEqual([`${RESOURCE}/replication`, `${RESOURCE}/backfill`]);
    expect(await run.memory(RESOURCE)).toMatchObject({ primaryUnavailableAtFailover: true });
  });
});
