/**
 * The healthy steady state of an `s3` resource: both buckets versioned, the replication rules drctl manages in
 * place (primary → secondary, and secondary → primary when two-way), and a few objects written an hour ago on the
 * primary that live replication has since copied to the secondary. The rules are built with the same pure
 * functions the s3.* step kinds use, so a drill finds no drift.
 */
import type { S3Resource } from '../../runbook/resources/s3.js';
import type { Side } from '../../runbook/schema.js';
import { bucketPairs, type BucketPair } from '../../steps/s3-common.js';
import { planDesiredRule } from '../../steps/s3-rules.js';
import { ensureBucket, findBucket, putSeedObject } from '../services/s3/index.js';
import type { ReplicationRule } from '../services/s3/replication-config.js';
import type { World } from '../world.js';
import type { SeedContext } from './index.js';

const HOUR = 3_600_000;

export const SEED_OBJECTS: Record<string, string> = {
  'README.txt': 'Seeded by the drctl sandbox.\n',
  'reports/2026-01-01.csv': 'day,orders\n2026-01-01,42\n',
  'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
};

/** The targets of a resource's sides, as the step kinds see them. */
export function sideTargets(resource: { primary: { account: string; region?: string | undefined }; secondary: { account: string; region?: string | undefined } }, context: SeedContext) {
  return (side: Side) => {
    const declared = resource[side];
    const account = context.account(declared.account);
    return { account: declared.account, accountId: account.accountId, region: declared.region ?? account.region };
  };
}

/** drctl's rule for `from`'s bucket of a pair, in the emulator's shape; undefined when no role is declared. */
function seedRule(pair: BucketPair, from: Side): { role: string; rule: ReplicationRule } | undefined {
  const desired = planDesiredRule(pair, from);
  if (!desired) return undefined;
  const rule: ReplicationRule = {
    id: desired.id,
    priority: pair.settings.priority ?? 1,
    filter: { prefix: desired.prefix },
    status: 'Enabled',
    replicaModifications: desired.replicaModifications ? 'Enabled' : 'Disabled',
    deleteMarkerReplication: desired.deleteMarkers ? 'Enabled' : 'Disabled',
    destination: {
      bucketArn: desired.destinationBucket,
      ...(desired.destinationAccount ? { account: desired.destinationAccount } : {}),
      ...(desired.ownerOverride ? { ownerOverride: 'Destination' } : {}),
      ...(desired.rtc ? { replicationTime: { status: 'Enabled', minutes: 15 }, metrics: { status: 'Enabled', minutes: 15 } } : {}),
    },
  };
  return { role: desired.role, rule };
}

/**
 * Both buckets of a pair, versioned, with drctl's rules merged by ID into whatever configuration a bucket already
 * has (a Lustre side may link several paths to one bucket). `reverse` adds the secondary → primary rule.
 */
export function seedBucketPair(world: World, pair: BucketPair, reverse: boolean, at: number): void {
  for (const side of ['primary', 'secondary'] as const) {
    const ref = pair[side];
    const bucket = ensureBucket(world, { accountId: ref.accountId, region: ref.region, name: ref.bucket, versioning: 'Enabled' });
    if (bucket.createdAt > at) bucket.createdAt = at;
  }
  for (const from of reverse ? (['primary', 'secondary'] as const) : (['primary'] as const)) {
    const wanted = seedRule(pair, from);
    const bucket = findBucket(world, pair[from].bucket);
    if (!wanted || !bucket) continue;
    const rules = (bucket.replication?.rules ?? []).filter((r) => r.id !== wanted.rule.id);
    bucket.replication = { role: bucket.replication?.role ?? wanted.role, rules: [...rules, wanted.rule] };
  }
}

/**
 * Runs `seed` as history that happened before any region outage: a scenario's region-down faults are applied
 * when the world is created, i.e. they start now, so the steady state seeded in the past is not held back by
 * them. Other faults stay in force.
 */
export function seedBeforeOutages(world: World, seed: () => void): void {
  const faults = world.data.faults;
  world.data.faults = faults.filter((f) => f.kind !== 'region-down');
  try {
    seed();
  } finally {
    world.data.faults = faults;
  }
}

export function seedS3(world: World, resource: S3Resource, context: SeedContext): void {
  const targets = sideTargets(resource, context);
  const [pair] = bucketPairs(resource, targets);
  if (!pair || findBucket(world, pair.primary.bucket) || findBucket(world, pair.secondary.bucket)) return;
  const now = world.now();
  seedBeforeOutages(world, () => {
    seedBucketPair(world, pair, resource.replication.twoWay && resource.replication.reverseRoleArn !== undefined, now - 2 * HOUR);
    for (const [name, content] of Object.entries(SEED_OBJECTS)) putSeedObject(world, pair.primary.bucket, `${pair.primary.prefix}${name}`, content, now - HOUR);
    // Live replication has had an hour: bring the copies to the secondary now.
    world.advance(now);
  });
}
