import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GetBucketLocationCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3WaitReplicated } from '../../src/steps/s3-wait-replicated.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR_REGION, fixtureRunbook, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());

const NOW = Date.parse('2026-01-01T00:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

beforeEach(() => {
  aws.reset();
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-prod' }).resolves({});
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'media-dr' }).resolves({ LocationConstraint: DR_REGION });
});

const ctxFor = (options: StepContextOptions = {}) => buildStepContext({ runbook: fixtureRunbook(), resource: 'media', stepId: 'wait-replicated', ...options });

/** Objects of a bucket with their age in minutes and replication status. */
function objects(bucket: string, list: Array<[key: string, ageMinutes: number, status: string | undefined]>) {
  aws.s3.on(ListObjectsV2Command, { Bucket: bucket }).resolves({ Contents: list.map(([key, age]) => ({ Key: key, LastModified: minutesAgo(age) })), IsTruncated: false });
  for (const [key, age, status] of list) {
    aws.s3.on(HeadObjectCommand, { Bucket: bucket, Key: key }).resolves({ LastModified: minutesAgo(age), ...(status ? { ReplicationStatus: status as never } : {}) });
  }
}

describe('s3.wait-replicated', () => {
  it('is done when the newest objects are replicated (replicas from the other side are ignored)', async () => {
    objects('media-prod', [['media/a', 1, 'COMPLETED'], ['media/b', 2, 'REPLICA'], ['media/c', 3, 'COMPLETE']]);
    const run = await runStep(s3WaitReplicated, ctxFor());
    expect(run.final).toMatchObject({ state: 'done', outputs: { checkedObjects: 3, unreplicatedObjects: 0 } });
    expect(aws.s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({ Bucket: 'media-prod', Prefix: 'media/' });
  });

  it('checks only the newest `sample` objects', async () => {
    objects('media-prod', [['media/old', 90, 'PENDING'], ['media/new', 1, 'COMPLETED']]);
    const run = await runStep(s3WaitReplicated, ctxFor(), { sample: 1 });
    expect(run.final.state).toBe('done');
    expect(aws.s3.commandCalls(HeadObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['media/new']);
  });

  it('waits while objects are PENDING, saying how old the oldest is, then finishes', async () => {
    objects('media-prod', [['media/a', 20, 'PENDING'], ['media/b', 1, 'COMPLETED']]);
    const ctx = ctxFor({ clock: undefined });
    ctx.clock.set(NOW);
    const first = await runStep(s3WaitReplicated, ctx, {}, { maxRounds: 1 });
    expect(first.final.state).toBe('waiting');
    expect(first.final.state === 'waiting' && first.final.reason).toContain('1 of 2 newest objects primary → secondary still PENDING (oldest written 20m ago, beyond the RPO of 15m)');
    objects('media-prod', [['media/a', 20, 'COMPLETED'], ['media/b', 1, 'COMPLETED']]);
    const second = await runStep(s3WaitReplicated, ctx);
    expect(second.final.state).toBe('done');
  });

  it('refuses when live replication FAILED or never covered an object, unless told to only report', async () => {
    objects('media-prod', [['media/a', 1, 'FAILED'], ['media/b', 2, undefined]]);
    const blocked = await runStep(s3WaitReplicated, ctxFor());
    expect(blocked.final.state).toBe('blocked');
    if (blocked.final.state !== 'blocked') return;
    expect(blocked.final.reason).toContain('s3://media-prod/media/a (FAILED)');
    expect(blocked.final.reason).toContain('s3://media-prod/media/b (no replication status)');
    expect(blocked.final.hint).toContain('s3.batch-replicate');
    const reported = await runStep(s3WaitReplicated, ctxFor(), { onUnreplicated: 'report' });
    expect(reported.final).toMatchObject({ state: 'done', outputs: { unreplicatedObjects: 2 } });
  });

  it('records the failover point once the primary has drained', async () => {
    objects('media-prod', [['media/a', 1, 'COMPLETED']]);
    const ctx = ctxFor();
    ctx.clock.set(NOW);
    const run = await runStep(s3WaitReplicated, ctx, { record: 'failover' });
    expect(run.phases).toEqual(['record-failover']);
    expect(run.final.state).toBe('done');
    expect(ctx.saved).toMatchObject({
      lastFailoverAt: '2026-01-01T00:00:00.000Z',
      lastFailoverRunId: ctx.runId,
      rpoPointAt: '2026-01-01T00:00:00.000Z',
      primaryUnavailableAtFailover: false,
    });
  });

  it('with the primary unavailable, measures and records the recovery point from the DR bucket instead', async () => {
    objects('media-dr', [['media/written-on-dr', 1, undefined], ['media/x', 25, 'REPLICA'], ['media/y', 40, 'REPLICA']]);
    const ctx = ctxFor({ flags: { primaryUnavailable: true } });
    ctx.clock.set(NOW);
    const run = await runStep(s3WaitReplicated, ctx, { record: 'failover' });
    expect(run.phases).toEqual(['record-failover']);
    expect(run.final.state).toBe('done');
    if (run.final.state !== 'done') return;
    expect(run.final.reason).toContain('accepting the recovery point 2025-12-31T23:35:00.000Z');
    expect(run.final.reason).toContain('beyond the declared RPO of 15m');
    expect(run.final.outputs).toMatchObject({ primaryUnavailable: true, rpoPointAt: '2025-12-31T23:35:00.000Z', acceptedLagSeconds: 1515 }); // 25m, plus the 15s poll after recording
    expect(ctx.saved).toMatchObject({ primaryUnavailableAtFailover: true, rpoPointAt: '2025-12-31T23:35:00.000Z' });
    expect(aws.s3.commandCalls(ListObjectsV2Command, { Bucket: 'media-prod' })).toHaveLength(0);
  });

  it('with the canary method, writes a canary and waits for it to be COMPLETED', async () => {
    const key = 'media/.drctl-canary/20260101T000000Z-test-abc123-wait-replicated.json';
    aws.s3.on(HeadObjectCommand, { Bucket: 'media-prod', Key: key }).rejects(awsError('NotFound', { status: 404 }));
    aws.s3.on(PutObjectCommand).callsFake(() => {
      aws.s3.on(HeadObjectCommand, { Bucket: 'media-prod', Key: key }).resolves({ ReplicationStatus: 'PENDING' });
      return {};
    });
    const ctx = ctxFor();
    const first = await runStep(s3WaitReplicated, ctx, { method: 'canary' }, { maxRounds: 2 });
    expect(first.phases).toEqual([`canary:media-prod/${key}`]);
    expect(first.final.state).toBe('waiting');
    expect(aws.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'media-prod', Key: key, ExpectedBucketOwner: '111111111111' });
    aws.s3.on(HeadObjectCommand, { Bucket: 'media-prod', Key: key }).resolves({ ReplicationStatus: 'COMPLETED' });
    const second = await runStep(s3WaitReplicated, ctx, { method: 'canary' });
    expect(second.final.state).toBe('done');
  });

  it('lets throttling through as retryable', async () => {
    aws.s3.on(ListObjectsV2Command).rejects(awsError('SlowDown', { status: 503 }));
    await expect(s3WaitReplicated.observe(ctxFor(), s3WaitReplicated.params.parse({}))).rejects.toMatchObject({ retryable: true, awsErrorName: 'SlowDown' });
  });

  it('adapts its sides to --primary-unavailable so the planner does not skip it', () => {
    const ctx = ctxFor();
    const p = s3WaitReplicated.params.parse({});
    expect(s3WaitReplicated.sides(p, { ...ctx, flags: { ...ctx.flags, primaryUnavailable: true } })).toEqual(['secondary']);
    expect(s3WaitReplicated.sides(p, ctx)).toEqual(['primary']);
  });
});

describe('s3.wait-replicated failover point', () => {
  it('keeps the point of a failover no failback has ended yet', async () => {
    objects('media-prod', [['media/a', 1, 'COMPLETED']]);
    const ctx = ctxFor({ memory: { lastFailoverAt: '2025-12-31T00:00:00.000Z', lastFailoverRunId: 'an-earlier-run' } });
    const run = await runStep(s3WaitReplicated, ctx, { record: 'failover' });
    expect(run.phases).toEqual([]);
    expect(run.final.state).toBe('done');
    expect(ctx.saved.lastFailoverAt).toBe('2025-12-31T00:00:00.000Z');
  });

  it('records a new point when the last failover was followed by a failback', async () => {
    objects('media-prod', [['media/a', 1, 'COMPLETED']]);
    const ctx = ctxFor({ memory: { lastFailoverAt: '2025-12-01T00:00:00.000Z', lastFailbackAt: '2025-12-02T00:00:00.000Z' } });
    const run = await runStep(s3WaitReplicated, ctx, { record: 'failover' });
    expect(run.phases).toEqual(['record-failover']);
  });
});
