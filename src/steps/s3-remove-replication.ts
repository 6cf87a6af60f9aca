/**
 * s3.remove-replication: drctl's replication rules are gone from `from`'s buckets; every other rule stays.
 * When drctl's rules were the only ones, the configuration is deleted (PutBucketReplication cannot hold zero
 * rules). Used by one-way setups after failback, and by custom procedures.
 */
import { z } from 'zod';
import type { ReplicationConfiguration } from '@aws-sdk/client-s3';
import { StepError } from '../errors.js';
import type { Decision, StepKind } from './types.js';
import type { BucketRef } from './s3-common.js';
import { appliedCount, bucketPairs, bucketTarget, lastApplied, selectPairs, where } from './s3-common.js';
import type { BucketLocation } from './s3-buckets.js';
import { bucketLocationProblem, isPropagationError, readBucketLocation, readReplication } from './s3-buckets.js';
import { otherRuleIds, withoutRules } from './s3-rules.js';
import { describedPairs, direction, pairsSchema, planBucketCall, sideSchema } from './s3-plan.js';
import { forgetWrittenRules } from './s3-memory.js';

const params = z
  .object({
    from: sideSchema.default('secondary').describe('The side whose buckets hold the rules to remove. Default secondary.'),
    pairs: pairsSchema,
  })
  .strict();
type Params = z.infer<typeof params>;

interface SourceBucket {
  ref: BucketRef;
  ruleIds: string[];
  location: BucketLocation;
  config: ReplicationConfiguration | undefined;
}

interface Observed {
  buckets: SourceBucket[];
}

const SETTLE_MS = 60_000;
const MAX_WRITES = 5;

function present(bucket: SourceBucket): string[] {
  return (bucket.config?.Rules ?? []).map((r) => r.ID ?? '').filter((id) => bucket.ruleIds.includes(id));
}

export const s3RemoveReplication: StepKind<Params, Observed> = {
  kind: 's3.remove-replication',
  summary: "Removes drctl's replication rules from one side's buckets, keeping every other rule.",
  appliesTo: ['s3', 'fsx-lustre'],
  params,
  describe: (p, ctx) => `remove drctl replication rules ${direction(p.from)} for ${describedPairs(ctx, p.pairs).map((pair) => pair.label).join(', ')}`,
  calls: (p, ctx) =>
    describedPairs(ctx, p.pairs).flatMap((pair) => [
      planBucketCall(pair[p.from], 'GetBucketLocation'),
      planBucketCall(pair[p.from], 'GetBucketReplication'),
      planBucketCall(pair[p.from], 'PutBucketReplication', {}, 'when other rules remain'),
      planBucketCall(pair[p.from], 'DeleteBucketReplication', {}, 'when no other rule remains'),
    ]),
  sides: (p) => [p.from],
  async observe(ctx, p) {
    const groups = new Map<string, { ref: BucketRef; ruleIds: string[] }>();
    for (const pair of selectPairs(bucketPairs(ctx.resource, ctx.target), p.pairs)) {
      const group = groups.get(pair[p.from].bucket) ?? { ref: pair[p.from], ruleIds: [] };
      group.ruleIds.push(pair.ruleId);
      groups.set(pair[p.from].bucket, group);
    }
    const buckets: SourceBucket[] = [];
    for (const group of groups.values()) {
      const location = await readBucketLocation(ctx, group.ref);
      buckets.push({ ...group, location, config: location.state === 'ok' ? await readReplication(ctx, group.ref) : undefined });
    }
    return { buckets };
  },
  decide(obs, p, ctx): Decision {
    for (const bucket of obs.buckets) {
      const problem = bucketLocationProblem(bucket.ref, bucket.location);
      if (problem) return { state: 'blocked', ...problem };
      const ours = present(bucket);
      if (ours.length === 0) continue;
      const prefix = `remove:${bucket.ref.bucket}#`;
      const last = lastApplied(ctx.applied, prefix);
      const writes = appliedCount(ctx.applied, prefix);
      if (last && ctx.clock.now() - last.at < SETTLE_MS) {
        return { state: 'waiting', reason: `waiting for the removal of rule(s) ${ours.join(', ')} from ${bucket.ref.bucket} to show (S3 is eventually consistent)` };
      }
      if (writes >= MAX_WRITES) {
        throw new StepError('replication-not-removed', `${ctx.stepKey}: rule(s) ${ours.join(', ')} are still on ${bucket.ref.bucket} (${where(bucket.ref)}) after ${writes} removals`, {
          hint: `Inspect with: aws s3api get-bucket-replication --bucket ${bucket.ref.bucket}. Something may be re-creating the rules.`,
        });
      }
      const kept = otherRuleIds(bucket.config, bucket.ruleIds);
      return {
        state: 'apply',
        phase: `${prefix}${writes + 1}`,
        reason: `remove rule(s) ${ours.join(', ')} from ${bucket.ref.bucket} (${where(bucket.ref)})${kept.length > 0 ? `, keeping ${kept.join(', ')}` : '; no other rule: delete the configuration'}`,
        calls: [kept.length > 0 ? planBucketCall(bucket.ref, 'PutBucketReplication', { Rules: kept }) : planBucketCall(bucket.ref, 'DeleteBucketReplication')],
      };
    }
    return { state: 'done', reason: `no drctl replication rule ${direction(p.from)} on ${obs.buckets.map((b) => b.ref.bucket).join(', ')}` };
  },
  async apply(ctx, _p, obs, phase) {
    const bucket = obs.buckets.find((b) => phase.startsWith(`remove:${b.ref.bucket}#`));
    if (!bucket) return;
    const remaining = withoutRules(bucket.config, bucket.ruleIds);
    const target = bucketTarget(bucket.ref);
    try {
      if (remaining) {
        await ctx.aws.call(target, 's3', 'PutBucketReplication', { Bucket: bucket.ref.bucket, ExpectedBucketOwner: bucket.ref.accountId, ReplicationConfiguration: remaining });
      } else {
        await ctx.aws.call(target, 's3', 'DeleteBucketReplication', { Bucket: bucket.ref.bucket, ExpectedBucketOwner: bucket.ref.accountId });
      }
    } catch (err) {
      if (!isPropagationError(err)) throw err;
      ctx.note(`S3 refused the change on ${bucket.ref.bucket} while a recent change propagates; trying again shortly`);
      return;
    }
    forgetWrittenRules(ctx, bucket.ref.bucket, bucket.ruleIds);
  },
  wait: { timeoutMs: 10 * 60_000, pollMs: 10_000 },
};
