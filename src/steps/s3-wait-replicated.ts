/**
 * s3.wait-replicated: waits until live replication from `from`'s buckets to the other side has drained.
 *
 * Two ways to tell (S3 has no "pending count" without RTC metrics):
 * - `newest` (default, read-only): HeadObject on the newest objects under the replicated prefix. PENDING means
 *   not yet copied (it stays PENDING while the other region is down); FAILED is permanent; no status means live
 *   replication never covered the object (written before the rule). Only Batch Replication fixes the last two,
 *   so they refuse by default rather than letting a failover lose them silently.
 * - `canary`: writes a small object and waits for it to be COMPLETED.
 *
 * With --primary-unavailable, waiting on the primary is impossible: the step instead measures the recovery
 * point it accepts (the newest replica in the DR bucket) and reports it. `record` remembers the failover
 * moment, which failback's Batch Replication uses as CreatedAfter.
 */
import { z } from 'zod';
import type { Decision, ResourceMemory, StepContext, StepKind } from './types.js';
import type { BucketRef } from './s3-common.js';
import { bucketPairs, bucketTarget, bucketUrl, isAwsError, selectPairs, where } from './s3-common.js';
import type { BucketLocation } from './s3-buckets.js';
import { bucketLocationProblem, readBucketLocation } from './s3-buckets.js';
import { currentMemory, rememberFact } from './s3-memory.js';
import { describedPairs, direction, pairsSchema, planBucketCall, sideSchema } from './s3-plan.js';
import { parseDuration, renderDuration } from '../util/duration.js';

const params = z
  .object({
    from: sideSchema.default('primary').describe('The side whose buckets replicate (the source). Default primary.'),
    method: z.enum(['newest', 'canary']).default('newest').describe('`newest`: check the newest objects (read-only). `canary`: write a canary object and wait for it. Default newest.'),
    sample: z.number().int().min(1).max(1000).default(20).describe('How many of the newest objects to check per bucket prefix. Default 20.'),
    scanLimit: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(5000)
      .describe('Keys listed per prefix to find the newest (S3 lists by name, not time). Default 5000; use `canary` for larger prefixes.'),
    onUnreplicated: z
      .enum(['block', 'report'])
      .default('block')
      .describe('Objects FAILED or never covered by live replication: `block` refuses (back-fill them first), `report` only notes them. Default block.'),
    record: z
      .enum(['none', 'failover', 'failback'])
      .default('none')
      .describe('Remember this moment as the failover (or failback) point. Failback Batch Replication only considers objects created after the failover. Default none.'),
    pairs: pairsSchema,
  })
  .strict();
type Params = z.infer<typeof params>;

type ReplicationState = 'COMPLETED' | 'PENDING' | 'FAILED' | 'REPLICA' | 'NONE';

interface ObjectState {
  key: string;
  lastModified: number | undefined;
  status: ReplicationState;
}

interface PairObservation {
  label: string;
  source: BucketRef;
  location: BucketLocation;
  objects: ObjectState[];
  /** canary method: the canary's state, or 'absent' before it is written. */
  canary?: ObjectState | 'absent';
  canaryKey?: string;
}

interface Observed {
  /** `accept`: the source is unavailable; measure the recovery point on the other side instead. */
  mode: 'measure' | 'accept';
  pairs: PairObservation[];
}

function toState(status: string | undefined): ReplicationState {
  if (status === 'COMPLETED' || status === 'COMPLETE') return 'COMPLETED';
  if (status === 'PENDING' || status === 'FAILED' || status === 'REPLICA') return status;
  return 'NONE';
}

function canaryKey(ctx: StepContext, ref: BucketRef): string {
  return `${ref.prefix}.drctl-canary/${ctx.runId}-${ctx.stepId}.json`;
}

/** The newest objects under the ref's prefix (among the first `scanLimit` keys S3 lists). */
async function listNewest(ctx: StepContext, ref: BucketRef, p: Params): Promise<Array<{ key: string; lastModified: number | undefined }>> {
  const listed: Array<{ key: string; lastModified: number | undefined }> = [];
  let token: string | undefined;
  do {
    const page = await ctx.aws.call(bucketTarget(ref), 's3', 'ListObjectsV2', {
      Bucket: ref.bucket,
      Prefix: ref.prefix || undefined,
      ContinuationToken: token,
      MaxKeys: Math.min(1000, p.scanLimit - listed.length),
      ExpectedBucketOwner: ref.accountId,
    });
    for (const o of page.Contents ?? []) if (o.Key) listed.push({ key: o.Key, lastModified: o.LastModified?.getTime() });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && listed.length < p.scanLimit);
  return listed.sort((a, b) => (b.lastModified ?? 0) - (a.lastModified ?? 0)).slice(0, p.sample);
}

async function headState(ctx: StepContext, ref: BucketRef, key: string): Promise<ObjectState | undefined> {
  try {
    const head = await ctx.aws.call(bucketTarget(ref), 's3', 'HeadObject', { Bucket: ref.bucket, Key: key, ExpectedBucketOwner: ref.accountId });
    return { key, lastModified: head.LastModified?.getTime(), status: toState(head.ReplicationStatus) };
  } catch (err) {
    if (isAwsError(err, 'NotFound', 'NoSuchKey')) return undefined; // deleted since it was listed
    throw err;
  }
}

async function observeRef(ctx: StepContext, ref: BucketRef, p: Params, label: string, method: Params['method']): Promise<PairObservation> {
  const location = await readBucketLocation(ctx, ref);
  const obs: PairObservation = { label, source: ref, location, objects: [] };
  if (location.state !== 'ok') return obs;
  if (method === 'canary') {
    obs.canaryKey = canaryKey(ctx, ref);
    obs.canary = (await headState(ctx, ref, obs.canaryKey)) ?? 'absent';
    return obs;
  }
  for (const o of await listNewest(ctx, ref, p)) {
    const state = await headState(ctx, ref, o.key);
    if (state) obs.objects.push(state);
  }
  return obs;
}

async function observe(ctx: StepContext, p: Params): Promise<Observed> {
  const pairs = selectPairs(bucketPairs(ctx.resource, ctx.target), p.pairs);
  if (p.from === 'primary' && ctx.flags.primaryUnavailable) {
    const measured: PairObservation[] = [];
    for (const pair of pairs) measured.push(await observeRef(ctx, pair.secondary, p, pair.label, 'newest'));
    return { mode: 'accept', pairs: measured };
  }
  const measured: PairObservation[] = [];
  for (const pair of pairs) measured.push(await observeRef(ctx, pair[p.from], p, pair.label, p.method));
  return { mode: 'measure', pairs: measured };
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** A failover recorded earlier that no failback has ended yet: its (earlier) point stays the one to back-fill from. */
export function failoverInEffect(memory: ResourceMemory): boolean {
  if (!memory.lastFailoverAt) return false;
  return !(memory.lastFailbackAt && memory.lastFailbackAt > memory.lastFailoverAt);
}

function recordDecision(p: Params, memory: ResourceMemory, ctx: StepContext, reason: string): Decision | undefined {
  if (p.record === 'none') return undefined;
  const recordedRun = p.record === 'failover' ? memory.lastFailoverRunId : memory['lastFailbackRunId'];
  if (recordedRun === ctx.runId) return undefined;
  // A second failover run before any failback (e.g. --new-run after a failed attempt) keeps the first point, so
  // failback's Batch Replication still covers everything written on the DR side since then.
  if (p.record === 'failover' && failoverInEffect(memory)) return undefined;
  return { state: 'apply', phase: `record-${p.record}`, reason: `${reason}; record the ${p.record} point`, calls: [] };
}

/** The recovery point accepted without the primary: the newest replica in the DR bucket(s). */
function acceptedPoint(obs: Observed): number | undefined {
  const replicas = obs.pairs.flatMap((pair) => pair.objects.filter((o) => o.status === 'REPLICA'));
  return replicas.reduce<number | undefined>((max, o) => (o.lastModified !== undefined && (max === undefined || o.lastModified > max) ? o.lastModified : max), undefined);
}

function decideAccept(obs: Observed, p: Params, ctx: StepContext): Decision {
  for (const pair of obs.pairs) {
    const problem = bucketLocationProblem(pair.source, pair.location);
    if (problem) return { state: 'blocked', ...problem };
  }
  const point = acceptedPoint(obs);
  const rpoMs = parseDuration(ctx.resource.rpo) ?? 0;
  const age = point === undefined ? undefined : ctx.clock.now() - point;
  const reason =
    point === undefined
      ? 'primary unavailable: no replicated object found among the newest objects of the DR bucket(s); the recovery point is unknown'
      : `primary unavailable: accepting the recovery point ${iso(point)} (newest replica in the DR bucket, ${renderDuration(age ?? 0)} ago${age !== undefined && age > rpoMs ? `, beyond the declared RPO of ${ctx.resource.rpo}` : ''}); writes on the primary after it may be missing until the primary returns`;
  const record = recordDecision(p, currentMemory(ctx), ctx, reason);
  if (record) return record;
  return { state: 'done', reason, outputs: { primaryUnavailable: true, rpoPointAt: iso(point), acceptedLagSeconds: age === undefined ? null : Math.round(age / 1000) } };
}

function decideMeasure(obs: Observed, p: Params, ctx: StepContext): Decision {
  const now = ctx.clock.now();
  const pending: Array<{ pair: PairObservation; o: ObjectState }> = [];
  const unreplicated: Array<{ pair: PairObservation; o: ObjectState }> = [];
  let checked = 0;
  for (const pair of obs.pairs) {
    const problem = bucketLocationProblem(pair.source, pair.location);
    if (problem) return { state: 'blocked', ...problem };
    if (pair.canary === 'absent' && pair.canaryKey) {
      return {
        state: 'apply',
        phase: `canary:${pair.source.bucket}/${pair.canaryKey}`,
        reason: `write a canary object to ${bucketUrl(pair.source)} and wait until it is replicated`,
        calls: [planBucketCall(pair.source, 'PutObject', { Key: pair.canaryKey })],
      };
    }
    const objects = pair.canary && pair.canary !== 'absent' ? [pair.canary] : pair.objects;
    for (const o of objects) {
      checked += 1;
      if (o.status === 'PENDING') pending.push({ pair, o });
      if (o.status === 'FAILED' || o.status === 'NONE') unreplicated.push({ pair, o });
    }
  }
  const listing = (items: Array<{ pair: PairObservation; o: ObjectState }>) =>
    items.slice(0, 5).map(({ pair, o }) => `s3://${pair.source.bucket}/${o.key} (${o.status === 'NONE' ? 'no replication status' : o.status})`).join(', ') +
    (items.length > 5 ? ` and ${items.length - 5} more` : '');
  if (unreplicated.length > 0 && p.onUnreplicated === 'block' && !ctx.flags.force) {
    const first = unreplicated[0]?.pair.source;
    return {
      state: 'blocked',
      reason: `${unreplicated.length} of the newest objects ${direction(p.from)} will never be copied by live replication: ${listing(unreplicated)}${first ? ` in ${where(first)}` : ''}`,
      hint: 'FAILED is permanent and objects without a status predate the rule: back-fill them with an s3.batch-replicate step before this one, and check the replication role\'s permissions. --force goes on without them.',
    };
  }
  if (pending.length > 0) {
    const oldest = pending.reduce((min, item) => Math.min(min, item.o.lastModified ?? now), now);
    const lag = now - oldest;
    const rpoMs = parseDuration(ctx.resource.rpo) ?? Number.POSITIVE_INFINITY;
    return {
      state: 'waiting',
      reason: `${pending.length} of ${checked} newest objects ${direction(p.from)} still PENDING (oldest written ${renderDuration(lag)} ago${lag > rpoMs ? `, beyond the RPO of ${ctx.resource.rpo}` : ''}): ${listing(pending)}; objects stay PENDING while the destination region is unreachable`,
    };
  }
  const noted = unreplicated.length > 0 ? `; not replicated and going on (${p.onUnreplicated === 'report' ? 'onUnreplicated: report' : '--force'}): ${listing(unreplicated)}` : '';
  const reason = `replication ${direction(p.from)} drained: ${checked} newest object(s) checked${noted}`;
  const record = recordDecision(p, currentMemory(ctx), ctx, reason);
  if (record) return record;
  return { state: 'done', reason, outputs: { checkedObjects: checked, unreplicatedObjects: unreplicated.length, drainedAt: new Date(now).toISOString() } };
}

async function apply(ctx: StepContext, _p: Params, obs: Observed, phase: string): Promise<void> {
  const now = new Date(ctx.clock.now()).toISOString();
  if (phase === 'record-failover' || phase === 'record-failback') {
    const point = obs.mode === 'accept' ? iso(acceptedPoint(obs)) : now;
    if (phase === 'record-failover') {
      rememberFact(ctx, { lastFailoverAt: now, lastFailoverRunId: ctx.runId, rpoPointAt: point ?? undefined, primaryUnavailableAtFailover: obs.mode === 'accept' });
    } else {
      rememberFact(ctx, { lastFailbackAt: now, lastFailbackRunId: ctx.runId });
    }
    ctx.note(`${phase === 'record-failover' ? 'failover' : 'failback'} point recorded: ${now}`);
    return;
  }
  const pair = obs.pairs.find((candidate) => candidate.canaryKey && phase === `canary:${candidate.source.bucket}/${candidate.canaryKey}`);
  if (!pair?.canaryKey) return;
  await ctx.aws.call(bucketTarget(pair.source), 's3', 'PutObject', {
    Bucket: pair.source.bucket,
    Key: pair.canaryKey,
    Body: JSON.stringify({ writtenBy: 'drctl', runId: ctx.runId, step: ctx.stepKey, at: now }),
    ContentType: 'application/json',
    ExpectedBucketOwner: pair.source.accountId,
  });
}

export const s3WaitReplicated: StepKind<Params, Observed> = {
  kind: 's3.wait-replicated',
  summary: 'Waits until live replication from one side has drained (newest objects or a canary); with the primary down, reports the accepted recovery point.',
  appliesTo: ['s3', 'fsx-lustre'],
  params,
  describe: (p, ctx) => `wait for replication ${direction(p.from)} to drain (${p.method}) for ${describedPairs(ctx, p.pairs).map((pair) => pair.label).join(', ')}`,
  calls(p, ctx) {
    return describedPairs(ctx, p.pairs).flatMap((pair) => {
      const source = pair[p.from];
      const reads = [planBucketCall(source, 'GetBucketLocation'), planBucketCall(source, 'ListObjectsV2', { Prefix: source.prefix }), planBucketCall(source, 'HeadObject')];
      if (p.method === 'canary') reads.push(planBucketCall(source, 'PutObject', { Key: `${source.prefix}.drctl-canary/…` }, 'the canary object'));
      if (p.from === 'primary') {
        reads.push(planBucketCall(pair.secondary, 'ListObjectsV2', { Prefix: pair.secondary.prefix }, 'with --primary-unavailable: measures the recovery point'));
        reads.push(planBucketCall(pair.secondary, 'HeadObject', {}, 'with --primary-unavailable'));
      }
      return reads;
    });
  },
  // With the primary down, a wait on the primary turns into a measurement on the secondary.
  sides: (p, ctx) => (p.from === 'primary' && ctx.flags.primaryUnavailable ? ['secondary'] : [p.from]),
  observe,
  decide: (obs, p, ctx) => (obs.mode === 'accept' ? decideAccept(obs, p, ctx) : decideMeasure(obs, p, ctx)),
  apply,
  wait: { timeoutMs: 60 * 60_000, pollMs: 15_000 },
};
