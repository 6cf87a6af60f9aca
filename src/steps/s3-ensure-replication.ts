/**
 * s3.ensure-replication: the replication rules drctl owns exist on `from`'s buckets, towards the other side's
 * buckets, as the runbook declares them.
 *
 * PutBucketReplication replaces the whole configuration, so drctl merges its rules by ID and never drops other
 * rules. A drctl rule that differs from what drctl last wrote was changed by someone else: that drift is shown
 * as a diff and refused (unless --force), never silently overwritten. After a write, S3 may show the old
 * configuration for a while: drctl waits, and writes again only if the change still has not appeared.
 */
import { z } from 'zod';
import type { ReplicationConfiguration } from '@aws-sdk/client-s3';
import { StepError } from '../errors.js';
import type { Side } from '../runbook/schema.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { BucketPair, BucketRef } from './s3-common.js';
import { appliedCount, bucketPairs, bucketTarget, lastApplied, otherSide, selectPairs, where } from './s3-common.js';
import type { BucketLocation, VersioningState } from './s3-buckets.js';
import { bucketLocationProblem, isPropagationError, readBucketLocation, readReplication, readVersioning } from './s3-buckets.js';
import type { ManagedRule } from './s3-rules.js';
import { diffRules, mergeRule, otherRuleIds, planDesiredRule, planPriority, projectRule, renderRule } from './s3-rules.js';
import { describedPairs, direction, pairsSchema, planBucketCall, sideSchema, sidesFrom } from './s3-plan.js';
import { readWrittenRules, rememberWrittenRules, ruleKey } from './s3-memory.js';

const params = z
  .object({
    from: sideSchema.default('primary').describe('The side whose buckets hold the rules (the replication source). Default primary.'),
    pairs: pairsSchema,
  })
  .strict();
type Params = z.infer<typeof params>;

/** Everything about one source bucket (an fsx side may replicate several paths from one bucket). */
interface SourceBucket {
  source: BucketRef;
  pairs: BucketPair[];
  location: BucketLocation;
  versioning: VersioningState;
  /** Versioning of each destination bucket; 'unknown' when its side is unavailable. */
  destinations: Array<{ ref: BucketRef; versioning: VersioningState | 'unknown' }>;
  config: ReplicationConfiguration | undefined;
}

interface Observed {
  buckets: SourceBucket[];
  written: Record<string, ManagedRule>;
}

/** Wait this long for a written configuration to show before writing it again. */
const SETTLE_MS = 60_000;
const MAX_PUTS = 5;

function groupBySource(pairs: BucketPair[], from: Side): Array<{ source: BucketRef; pairs: BucketPair[] }> {
  const groups = new Map<string, { source: BucketRef; pairs: BucketPair[] }>();
  for (const pair of pairs) {
    const group = groups.get(pair[from].bucket) ?? { source: pair[from], pairs: [] };
    group.pairs.push(pair);
    groups.set(pair[from].bucket, group);
  }
  return [...groups.values()];
}

async function observe(ctx: StepContext, p: Params): Promise<Observed> {
  const to = otherSide(p.from);
  const buckets: SourceBucket[] = [];
  for (const group of groupBySource(selectPairs(bucketPairs(ctx.resource, ctx.target), p.pairs), p.from)) {
    const location = await readBucketLocation(ctx, group.source);
    if (location.state !== 'ok') {
      buckets.push({ ...group, location, versioning: 'Never', destinations: [], config: undefined });
      continue;
    }
    const destinations: SourceBucket['destinations'] = [];
    for (const pair of group.pairs) {
      const ref = pair[to];
      if (destinations.some((d) => d.ref.bucket === ref.bucket)) continue;
      const reachable = !(ctx.flags.primaryUnavailable && to === 'primary');
      destinations.push({ ref, versioning: reachable ? await readVersioning(ctx, ref) : 'unknown' });
    }
    buckets.push({
      ...group,
      location,
      versioning: await readVersioning(ctx, group.source),
      destinations,
      config: await readReplication(ctx, group.source),
    });
  }
  return { buckets, written: readWrittenRules(ctx) };
}

interface RuleChange {
  pair: BucketPair;
  desired: ManagedRule;
  actual: ManagedRule | undefined;
  diff: string[];
}

/** What must change on one bucket, or a refusal. */
function planBucket(bucket: SourceBucket, from: Side): { changes: RuleChange[] } | { blocked: { reason: string; hint: string } } {
  const problem = bucketLocationProblem(bucket.source, bucket.location);
  if (problem) return { blocked: problem };
  const unversioned = [
    ...(bucket.versioning === 'Enabled' ? [] : [{ ref: bucket.source, versioning: bucket.versioning }]),
    ...bucket.destinations.filter((d) => d.versioning !== 'Enabled' && d.versioning !== 'unknown'),
  ];
  if (unversioned.length > 0) {
    const list = unversioned.map((u) => `${u.ref.bucket} (${u.ref.side}, versioning ${u.versioning === 'Never' ? 'never enabled' : u.versioning})`);
    return {
      blocked: {
        reason: `replication needs versioning Enabled on both buckets; not enabled on ${list.join(', ')}`,
        hint: 'Add an s3.ensure-versioning step before this one (the standard procedure has it), then re-run.',
      },
    };
  }
  const changes: RuleChange[] = [];
  for (const pair of bucket.pairs) {
    const desired = planDesiredRule(pair, from);
    if (!desired) {
      return {
        blocked: {
          reason: `no replication role is declared for ${direction(from)} (${pair.label})`,
          hint: `Declare replication.${from === 'primary' ? 'roleArn' : 'reverseRoleArn'} (a role in the ${from} account that S3 can assume).`,
        },
      };
    }
    const existing = bucket.config?.Rules?.find((r) => r.ID === desired.id);
    const actual = existing ? projectRule(existing, bucket.config?.Role) : undefined;
    const diff = actual ? diffRules(actual, desired) : [];
    if (!actual || diff.length > 0) changes.push({ pair, desired, actual, diff });
  }
  return { changes };
}

/** Changes to rules that exist but are not what drctl last wrote: someone else edited them. */
function driftedChanges(changes: RuleChange[], bucket: string, written: Record<string, ManagedRule>): RuleChange[] {
  return changes.filter((c) => {
    if (!c.actual) return false;
    const lastWritten = written[ruleKey(bucket, c.desired.id)];
    return !(lastWritten && diffRules(c.actual, lastWritten).length === 0);
  });
}

function describeChanges(changes: RuleChange[]): string {
  return changes
    .map((c) => (c.actual ? `update rule '${c.desired.id}' (${c.diff.join('; ')})` : `add rule '${c.desired.id}' → ${c.desired.destinationBucket}`))
    .join(', ');
}

function decide(obs: Observed, p: Params, ctx: StepContext): Decision {
  const now = ctx.clock.now();
  for (const bucket of obs.buckets) {
    const plan = planBucket(bucket, p.from);
    if ('blocked' in plan) return { state: 'blocked', ...plan.blocked };
    if (plan.changes.length === 0) continue;
    const name = bucket.source.bucket;
    const phasePrefix = `put:${name}#`;
    const lastPut = lastApplied(ctx.applied, phasePrefix);
    const puts = appliedCount(ctx.applied, phasePrefix);
    const desiredRole = plan.changes[0]?.desired.role ?? '';
    if (lastPut) {
      // We wrote this bucket's configuration already: a difference now is S3 catching up, not drift.
      if (now - lastPut.at < SETTLE_MS) {
        return { state: 'waiting', reason: `waiting for the replication configuration written to ${name} to show (S3 is eventually consistent): ${describeChanges(plan.changes)}` };
      }
      if (puts >= MAX_PUTS) {
        throw new StepError(
          'replication-not-applied',
          `${ctx.stepKey}: PutBucketReplication on ${name} (${where(bucket.source)}) was accepted ${puts} times but the rules still differ: ${describeChanges(plan.changes)}`,
          { hint: `Inspect with: aws s3api get-bucket-replication --bucket ${name}. Something may be rewriting the configuration (another tool, a pipeline).` },
        );
      }
    } else {
      const others = otherRuleIds(bucket.config, bucket.pairs.map((pair) => pair.ruleId));
      if (bucket.config?.Role && bucket.config.Role !== desiredRole && others.length > 0) {
        return {
          state: 'blocked',
          reason: `bucket ${name} (${where(bucket.source)}) replicates with role ${bucket.config.Role} for rules ${others.join(', ')}, but the runbook's role for ${direction(p.from)} is ${desiredRole}; a configuration has one role for all its rules`,
          hint: 'Use the same role in the runbook as the existing rules, or move the other rules to it first. drctl will not change the role of rules it does not own.',
        };
      }
      const drifted = driftedChanges(plan.changes, name, obs.written);
      if (drifted.length > 0 && !ctx.flags.force) {
        const lines = drifted.map((c) => `rule '${c.desired.id}': ${c.diff.join('; ')}`);
        return {
          state: 'blocked',
          reason: `replication rules on ${name} (${where(bucket.source)}) were changed outside drctl (seen → runbook): ${lines.join(' | ')}`,
          hint: 'Find out who changed them and why. To restore the runbook\'s rules re-run with --force; to keep the change, update the runbook to match.',
        };
      }
    }
    return {
      state: 'apply',
      phase: `${phasePrefix}${puts + 1}`,
      reason: `${describeChanges(plan.changes)} on ${name} (${where(bucket.source)}), keeping ${otherRuleIds(bucket.config, plan.changes.map((c) => c.desired.id)).join(', ') || 'no other rules'}`,
      calls: [
        planBucketCall(bucket.source, 'PutBucketReplication', {
          Role: desiredRole,
          Rules: [...otherRuleIds(bucket.config, plan.changes.map((c) => c.desired.id)).map((id) => `${id} (kept)`), ...plan.changes.map((c) => `${c.desired.id} (${c.actual ? 'updated' : 'new'})`)],
        }),
      ],
    };
  }
  return {
    state: 'done',
    reason: `replication rules ${direction(p.from)} in place on ${obs.buckets.map((b) => b.source.bucket).join(', ')}`,
    outputs: { rules: obs.buckets.flatMap((b) => b.pairs.map((pair) => `${b.source.bucket}:${pair.ruleId}`)) },
  };
}

async function apply(ctx: StepContext, p: Params, obs: Observed, phase: string): Promise<void> {
  const bucketName = phase.slice('put:'.length, phase.lastIndexOf('#'));
  const bucket = obs.buckets.find((b) => b.source.bucket === bucketName);
  if (!bucket) throw new StepError('internal-error', `${ctx.stepKey}: no observed bucket for phase ${phase}`);
  const plan = planBucket(bucket, p.from);
  if ('blocked' in plan) throw new StepError('replication-refused', `${ctx.stepKey}: ${plan.blocked.reason}`, { hint: plan.blocked.hint });
  const forced = lastApplied(ctx.applied, `put:${bucketName}#`) ? [] : driftedChanges(plan.changes, bucketName, obs.written);
  if (forced.length > 0) ctx.note(`--force: overwriting changes made outside drctl on ${bucketName}: ${describeChanges(forced)}`);
  let config = bucket.config;
  const desiredRules: ManagedRule[] = [];
  for (const pair of bucket.pairs) {
    const desired = planDesiredRule(pair, p.from);
    if (!desired) continue;
    const existing = config?.Rules?.find((r) => r.ID === desired.id);
    const priority = planPriority(config, desired.id, pair.settings.priority);
    config = mergeRule(config, renderRule(desired, existing, priority), desired.role);
    desiredRules.push(desired);
  }
  if (!config) return;
  try {
    await ctx.aws.call(bucketTarget(bucket.source), 's3', 'PutBucketReplication', {
      Bucket: bucket.source.bucket,
      ReplicationConfiguration: config,
      ExpectedBucketOwner: bucket.source.accountId,
    });
  } catch (err) {
    if (!isPropagationError(err)) throw err;
    ctx.note(`S3 refused the configuration for ${bucket.source.bucket} while a recent change propagates (${err instanceof Error ? err.message : String(err)}); trying again shortly`);
    return;
  }
  rememberWrittenRules(ctx, bucket.source.bucket, desiredRules);
}

export const s3EnsureReplication: StepKind<Params, Observed> = {
  kind: 's3.ensure-replication',
  summary: "Ensures drctl's replication rules exist from one side's buckets to the other's, merging by rule ID; drift is refused with a diff.",
  appliesTo: ['s3', 'fsx-lustre'],
  params,
  describe: (p, ctx) => `ensure replication ${direction(p.from)} for ${describedPairs(ctx, p.pairs).map((pair) => pair.label).join(', ')}`,
  calls(p, ctx) {
    const to = otherSide(p.from);
    return groupBySource(describedPairs(ctx, p.pairs), p.from).flatMap((group) => [
      planBucketCall(group.source, 'GetBucketLocation'),
      planBucketCall(group.source, 'GetBucketVersioning'),
      ...group.pairs.map((pair) => planBucketCall(pair[to], 'GetBucketVersioning')),
      planBucketCall(group.source, 'GetBucketReplication'),
      planBucketCall(group.source, 'PutBucketReplication', { Role: group.pairs[0] ? planDesiredRule(group.pairs[0], p.from)?.role : undefined }, 'when a drctl rule is missing or the runbook changed'),
    ]);
  },
  sides: (p, ctx) => sidesFrom(p.from, ctx.flags.primaryUnavailable),
  observe,
  decide,
  apply,
  wait: { timeoutMs: 10 * 60_000, pollMs: 10_000 },
};
