/**
 * s3.ensure-versioning: versioning is Enabled on the resource's buckets (replication needs it on both sides).
 *
 * A bucket that was never versioned is enabled. A bucket whose versioning is Suspended was changed on purpose by
 * someone: that is refused (--force enables it again), never silently undone. With --primary-unavailable only
 * the secondary's buckets are checked.
 */
import { z } from 'zod';
import type { Side } from '../runbook/schema.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { BucketRef } from './s3-common.js';
import { bucketPairs, bucketTarget, distinctBuckets, selectPairs, where } from './s3-common.js';
import type { BucketLocation, VersioningState } from './s3-buckets.js';
import { bucketLocationProblem, readBucketLocation, readVersioning } from './s3-buckets.js';
import { describedPairs, pairsSchema, planBucketCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    sides: z
      .array(sideSchema)
      .min(1)
      .default(['primary', 'secondary'])
      .describe('Whose buckets to check. Default both (replication needs versioning on both).'),
    pairs: pairsSchema,
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  buckets: Array<{ ref: BucketRef; location: BucketLocation; versioning: VersioningState }>;
  skipped: string[];
}

function bucketsOf(ctx: Pick<StepContext, 'resource' | 'target'>, p: Params, sides: Side[]): BucketRef[] {
  const pairs = selectPairs(bucketPairs(ctx.resource, ctx.target), p.pairs);
  return sides.flatMap((side) => distinctBuckets(pairs, side));
}

export const s3EnsureVersioning: StepKind<Params, Observed> = {
  kind: 's3.ensure-versioning',
  summary: 'Ensures versioning is Enabled on the buckets (enables never-versioned ones; refuses to undo a suspension unless --force).',
  appliesTo: ['s3', 'fsx-lustre'],
  params,
  describe: (p, ctx) =>
    `ensure versioning on ${p.sides.flatMap((side) => distinctBuckets(describedPairs(ctx, p.pairs), side).map((b) => b.bucket)).join(', ')}`,
  calls(p, ctx) {
    return p.sides.flatMap((side) =>
      distinctBuckets(describedPairs(ctx, p.pairs), side).flatMap((ref) => [
        planBucketCall(ref, 'GetBucketLocation'),
        planBucketCall(ref, 'GetBucketVersioning'),
        planBucketCall(ref, 'PutBucketVersioning', { VersioningConfiguration: { Status: 'Enabled' } }, 'when versioning is not enabled'),
      ]),
    );
  },
  sides: (p) => p.sides,
  async observe(ctx, p) {
    const reachable = p.sides.filter((side) => !(side === 'primary' && ctx.flags.primaryUnavailable));
    const skipped = p.sides.length === reachable.length ? [] : bucketsOf(ctx, p, ['primary']).map((b) => b.bucket);
    const buckets: Observed['buckets'] = [];
    for (const ref of bucketsOf(ctx, p, reachable)) {
      const location = await readBucketLocation(ctx, ref);
      buckets.push({ ref, location, versioning: location.state === 'ok' ? await readVersioning(ctx, ref) : 'Never' });
    }
    return { buckets, skipped };
  },
  decide(obs, _p, ctx): Decision {
    for (const { ref, location, versioning } of obs.buckets) {
      const problem = bucketLocationProblem(ref, location);
      if (problem) return { state: 'blocked', ...problem };
      if (versioning === 'Enabled') continue;
      const phase = `enable:${ref.bucket}`;
      if (ctx.applied.some((a) => a.phase === phase)) {
        return { state: 'waiting', reason: `versioning of ${ref.bucket} was enabled; waiting for GetBucketVersioning to show it` };
      }
      if (versioning === 'Suspended' && !ctx.flags.force) {
        return {
          state: 'blocked',
          reason: `versioning of bucket ${ref.bucket} (${ref.side}, ${where(ref)}) is Suspended: someone suspended it, and replication needs it Enabled`,
          hint: `Find out why it was suspended. To enable it again: aws s3api put-bucket-versioning --bucket ${ref.bucket} --versioning-configuration Status=Enabled, or re-run with --force.`,
        };
      }
      return {
        state: 'apply',
        phase,
        reason: `${versioning === 'Suspended' ? 're-enable suspended (--force)' : 'enable'} versioning on ${ref.bucket} (${where(ref)})`,
        calls: [planBucketCall(ref, 'PutBucketVersioning', { VersioningConfiguration: { Status: 'Enabled' } })],
      };
    }
    const skipped = obs.skipped.length > 0 ? ` (not checked, primary unavailable: ${obs.skipped.join(', ')})` : '';
    return {
      state: 'done',
      reason: `versioning Enabled on ${obs.buckets.map((b) => b.ref.bucket).join(', ') || 'no reachable bucket'}${skipped}`,
      outputs: { versionedBuckets: obs.buckets.map((b) => b.ref.bucket) },
    };
  },
  async apply(ctx, _p, obs, phase) {
    const bucket = obs.buckets.find((b) => `enable:${b.ref.bucket}` === phase);
    if (!bucket) return;
    await ctx.aws.call(bucketTarget(bucket.ref), 's3', 'PutBucketVersioning', {
      Bucket: bucket.ref.bucket,
      ExpectedBucketOwner: bucket.ref.accountId,
      VersioningConfiguration: { Status: 'Enabled' },
    });
    if (bucket.versioning === 'Never') {
      ctx.note(`versioning enabled on ${bucket.ref.bucket}; AWS advises waiting about 15 minutes before relying on it for new writes`);
    }
  },
  wait: { timeoutMs: 5 * 60_000, pollMs: 5_000 },
};
