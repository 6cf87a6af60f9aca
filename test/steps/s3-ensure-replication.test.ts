import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GetBucketLocationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  PutBucketReplicationCommand,
} from '@aws-sdk/client-s3';
import type { ReplicationConfiguration } from '@aws-sdk/client-s3';
import { s3EnsureReplication } from '../../src/steps/s3-ensure-replication.js';
import { planDesiredRule } from '../../src/steps/s3-rules.js';
import { bucketPairs } from '../../src/steps/s3-common.js';
import { AwsCallError } from '../../src/aws/errors.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR, DR_REGION, PROD_REGION, REVERSE_ROLE, ROLE, fixtureRunbook, mockAws, rule } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());

function ctxFor(resource = 'media', options: StepContextOptions = {}) {
  return buildStepContext({ runbook: fixtureRunbook(), resource, stepId: 'replication', ...options });
}

/** Buckets answer their location (by region map) and Enabled versioning unless told otherwise. */
function buckets(regions: Record<string, string>, versioning: Record<string, 'Enabled' | 'Suspended' | undefined> = {}) {
  for (const [bucket, region] of Object.entries(regions)) {
    aws.s3.on(GetBucketLocationCommand, { Bucket: bucket }).resolves({ LocationConstraint: region === 'us-east-1' ? undefined : (region as never) });
    const status = bucket in versioning ? versioning[bucket] : 'Enabled';
    aws.s3.on(GetBucketVersioningCommand, { Bucket: bucket }).resolves(status ? { Status: status } : {});
  }
}

const MEDIA = { 'media-prod': PROD_REGION, 'media-dr': DR_REGION };

function replicationOf(bucket: string, config: ReplicationConfiguration | undefined) {
  if (config) aws.s3.on(GetBucketReplicationCommand, { Bucket: bucket }).resolves({ ReplicationConfiguration: config });
  else aws.s3.on(GetBucketReplicationCommand, { Bucket: bucket }).rejects(awsError('ReplicationConfigurationNotFoundError', { status: 404 }));
}

/** The rule the runbook wants, as S3 would return it. */
function ourRule(priority = 1) {
  return rule('drctl', 'media-dr', {
    Priority: priority,
    Filter: { Prefix: 'media/' },
    Destination: { Bucket: 'arn:aws:s3:::media-dr', Account: DR },
  });
}

beforeEach(() => aws.reset());

describe('s3.ensure-replication', () => {
  it('is done without writing when the drctl rule already matches the runbook', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', { Role: ROLE, Rules: [ourRule()] });
    const ctx = ctxFor();
    const run = await runStep(s3EnsureReplication, ctx, { from: 'primary' });
    expect(run.final.state).toBe('done');
    expect(run.phases).toEqual([]);
    expect(aws.s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
  });

  it('creates a V2 configuration when the bucket has none', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', undefined);
    aws.s3.on(PutBucketReplicationCommand).callsFake((input: { ReplicationConfiguration: ReplicationConfiguration }) => {
      replicationOf('media-prod', input.ReplicationConfiguration);
      return {};
    });
    const ctx = ctxFor();
    const run = await runStep(s3EnsureReplication, ctx, { from: 'primary' });
    expect(run.phases).toEqual(['put:media-prod#1']);
    expect(run.final.state).toBe('done');
    const [put] = aws.s3.commandCalls(PutBucketReplicationCommand);
    expect(put?.args[0].input).toEqual({
      Bucket: 'media-prod',
      ExpectedBucketOwner: '111111111111',
      ReplicationConfiguration: {
        Role: ROLE,
        Rules: [
          {
            ID: 'drctl',
            Priority: 1,
            Status: 'Enabled',
            Filter: { Prefix: 'media/' },
            DeleteMarkerReplication: { Status: 'Enabled' },
            SourceSelectionCriteria: { ReplicaModifications: { Status: 'Enabled' } },
            Destination: { Bucket: 'arn:aws:s3:::media-dr', Account: DR },
          },
        ],
      },
    });
    // What drctl wrote is remembered, so a later difference can be told apart from a runbook change.
    expect(ctx.saved['s3rule:media-prod/drctl']).toMatchObject({ prefix: 'media/', role: ROLE });
  });

  it('merges its rule next to rules it does not own, with a priority above theirs', async () => {
    buckets(MEDIA);
    const other = rule('analytics-copy', 'analytics-bucket', { Priority: 7, Filter: { Prefix: 'logs/' } });
    replicationOf('media-prod', { Role: ROLE, Rules: [other] });
    aws.s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = ctxFor();
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision).toMatchObject({ state: 'apply', phase: 'put:media-prod#1' });
    expect(decision.state === 'apply' && decision.reason).toContain('keeping analytics-copy');
    await s3EnsureReplication.apply(ctx, { from: 'primary' }, await s3EnsureReplication.observe(ctx, { from: 'primary' }), 'put:media-prod#1');
    const rules = aws.s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input.ReplicationConfiguration?.Rules ?? [];
    expect(rules.map((r) => r.ID)).toEqual(['analytics-copy', 'drctl']);
    expect(rules[0]).toEqual(other);
    expect(rules[1]?.Priority).toBe(8);
  });

  it('refuses, with a diff, a drctl rule someone else changed', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', { Role: ROLE, Rules: [{ ...ourRule(), Status: 'Disabled', DeleteMarkerReplication: { Status: 'Disabled' } }] });
    const ctx = ctxFor();
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision.state).toBe('blocked');
    if (decision.state !== 'blocked') return;
    expect(decision.reason).toContain('changed outside drctl');
    expect(decision.reason).toContain('Status: Disabled → Enabled');
    expect(decision.reason).toContain('DeleteMarkerReplication: off → on');
    expect(decision.reason).toContain('media-prod (prod (111111111111) us-east-1)');
    expect(decision.hint).toContain('--force');
  });

  it('updates its own rule when the runbook changed (the rule is what drctl last wrote)', async () => {
    buckets(MEDIA);
    const old = { ...ourRule(), Filter: { Prefix: 'old/' } };
    replicationOf('media-prod', { Role: ROLE, Rules: [old] });
    const desired = planDesiredRule(bucketPairs(fixtureRunbook().filesystems.media!, ctxFor().target)[0]!, 'primary')!;
    const ctx = ctxFor('media', { memory: { 's3rule:media-prod/drctl': { ...desired, prefix: 'old/' } } });
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision).toMatchObject({ state: 'apply', phase: 'put:media-prod#1' });
    expect(decision.state === 'apply' && decision.reason).toContain("Filter.Prefix: old/ → media/");
  });

  it('overwrites drift with --force and says so', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', { Role: ROLE, Rules: [{ ...ourRule(), Status: 'Disabled' }] });
    aws.s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = ctxFor('media', { flags: { force: true } });
    const obs = await s3EnsureReplication.observe(ctx, { from: 'primary' });
    const decision = s3EnsureReplication.decide(obs, { from: 'primary' }, ctx);
    expect(decision.state).toBe('apply');
    await s3EnsureReplication.apply(ctx, { from: 'primary' }, obs, 'put:media-prod#1');
    expect(ctx.notes.join('\n')).toContain('--force: overwriting changes made outside drctl on media-prod');
    expect(aws.s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input.ReplicationConfiguration?.Rules?.[0]?.Status).toBe('Enabled');
  });

  it('waits for S3 to show a written configuration, then writes again only after it settles', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', undefined); // stays stale
    aws.s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = ctxFor();
    const run = await runStep(s3EnsureReplication, ctx, { from: 'primary' }, { pollMs: 10_000, maxRounds: 9 });
    expect(run.decisions[1]).toMatchObject({ state: 'waiting' });
    expect(run.decisions[1]?.state === 'waiting' && run.decisions[1].reason).toContain('eventually consistent');
    expect(run.phases).toEqual(['put:media-prod#1', 'put:media-prod#2']);
  });

  it('refuses when versioning is not enabled on both buckets', async () => {
    buckets(MEDIA, { 'media-dr': 'Suspended' });
    replicationOf('media-prod', undefined);
    const ctx = ctxFor();
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision).toMatchObject({ state: 'blocked' });
    expect(decision.state === 'blocked' && decision.reason).toContain('media-dr (secondary, versioning Suspended)');
  });

  it('refuses when the bucket is in another region than declared', async () => {
    buckets({ 'media-prod': 'eu-west-1', 'media-dr': DR_REGION });
    replicationOf('media-prod', undefined);
    const ctx = ctxFor();
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision).toMatchObject({ state: 'blocked' });
    expect(decision.state === 'blocked' && decision.reason).toContain('media-prod is in eu-west-1, but the runbook declares it in us-east-1');
  });

  it('refuses to change the role shared with rules it does not own', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', { Role: 'arn:aws:iam::111111111111:role/other', Rules: [rule('someone-else', 'x-bucket', { Priority: 3 })] });
    const ctx = ctxFor();
    const decision = s3EnsureReplication.decide(await s3EnsureReplication.observe(ctx, { from: 'primary' }), { from: 'primary' }, ctx);
    expect(decision.state).toBe('blocked');
    expect(decision.state === 'blocked' && decision.reason).toContain('one role for all its rules');
  });

  it('writes one configuration per bucket holding the rules of every Lustre path on it', async () => {
    buckets({ 'lustre-dr': DR_REGION, 'lustre-prod': PROD_REGION });
    replicationOf('lustre-dr', undefined);
    aws.s3.on(PutBucketReplicationCommand).resolves({});
    const ctx = ctxFor('lustre');
    const obs = await s3EnsureReplication.observe(ctx, { from: 'secondary' });
    const decision = s3EnsureReplication.decide(obs, { from: 'secondary' }, ctx);
    expect(decision).toMatchObject({ state: 'apply', phase: 'put:lustre-dr#1' });
    await s3EnsureReplication.apply(ctx, { from: 'secondary' }, obs, 'put:lustre-dr#1');
    const config = aws.s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input.ReplicationConfiguration;
    expect(config?.Role).toBe(REVERSE_ROLE);
    expect(config?.Rules?.map((r) => [r.ID, r.Priority, r.Filter?.Prefix, r.Destination?.Account])).toEqual([
      ['drctl-data', 1, 'data/', '111111111111'],
      ['drctl-models', 2, 'models/', '111111111111'],
    ]);
  });

  it('skips the primary destination check when the primary is unavailable', async () => {
    buckets({ 'media-dr': DR_REGION });
    replicationOf('media-dr', { Role: REVERSE_ROLE, Rules: [rule('drctl', 'media-prod', { Filter: { Prefix: 'media/' }, Destination: { Bucket: 'arn:aws:s3:::media-prod', Account: '111111111111' } })] });
    const ctx = ctxFor('media', { flags: { primaryUnavailable: true } });
    const run = await runStep(s3EnsureReplication, ctx, { from: 'secondary' });
    expect(run.final.state).toBe('done');
    expect(aws.s3.commandCalls(GetBucketVersioningCommand, { Bucket: 'media-prod' })).toHaveLength(0);
  });

  it('maps AccessDenied on the write to an error naming the call, account and region', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', undefined);
    aws.s3.on(PutBucketReplicationCommand).rejects(awsError('AccessDenied', { status: 403, requestId: 'req-42' }));
    const ctx = ctxFor();
    const obs = await s3EnsureReplication.observe(ctx, { from: 'primary' });
    const err = await s3EnsureReplication.apply(ctx, { from: 'primary' }, obs, 'put:media-prod#1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ awsErrorName: 'AccessDenied', requestId: 'req-42', accountId: '111111111111', region: 'us-east-1', retryable: false });
  });

  it('lets throttling surface as a retryable error for the engine', async () => {
    aws.s3.on(GetBucketLocationCommand).rejects(awsError('SlowDown', { status: 503 }));
    const ctx = ctxFor();
    const err = await s3EnsureReplication.observe(ctx, { from: 'primary' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ awsErrorName: 'SlowDown', retryable: true });
  });

  it('treats a versioning-propagation refusal as "try again shortly", not a failure', async () => {
    buckets(MEDIA);
    replicationOf('media-prod', undefined);
    aws.s3.on(PutBucketReplicationCommand).rejects(awsError('InvalidRequest', { message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration" }));
    const ctx = ctxFor();
    const obs = await s3EnsureReplication.observe(ctx, { from: 'primary' });
    await expect(s3EnsureReplication.apply(ctx, { from: 'primary' }, obs, 'put:media-prod#1')).resolves.toBeUndefined();
    expect(ctx.notes.join('\n')).toContain('trying again shortly');
  });

  it('lists every call it may make, for plans and IAM policies', () => {
    const ctx = ctxFor();
    const calls = s3EnsureReplication.calls({ from: 'primary' }, { ...ctx, flags: ctx.flags });
    expect(calls.map((c) => `${c.operation} ${String(c.params.Bucket)} ${c.account}`)).toEqual([
      'GetBucketLocation media-prod prod',
      'GetBucketVersioning media-prod prod',
      'GetBucketVersioning media-dr dr',
      'GetBucketReplication media-prod prod',
      'PutBucketReplication media-prod prod',
    ]);
  });
});
