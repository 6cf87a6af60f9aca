/**
 * Live replication (CRR/SRR), lazily driven by time: a version written under an applicable rule gets status
 * PENDING and a due time (`s3.replicationLag` after the write); the advance hook delivers due versions to their
 * destination buckets (another account and region is fine). Rules of S3 this keeps (aws-reference.md §3.3–§3.4):
 *
 * - only versions written after the rule existed replicate (status is decided at write time; older ones are NONE);
 * - replicas get REPLICA and are never replicated again, so two-way rules do not loop;
 * - a missing or unversioned destination makes the version FAILED, and FAILED is permanent;
 * - a region that is down (either side) is temporary: the version stays PENDING and completes once it is back;
 * - delete markers follow DeleteMarkerReplication; version-specific deletes never replicate.
 *
 * Batch Replication (S3 Control) reuses `replicateNow` to copy one version at once through the same rules.
 */
import { defineSettings, type World } from '../../world.js';
import { destinationsFor } from './replication-config.js';
import {
  findBucket,
  findVersion,
  pendingKey,
  placeVersion,
  splitPendingKey,
  allBuckets,
  type BucketRecord,
  type ObjectVersion,
  type ReplicationTarget,
} from './model.js';

defineSettings({
  's3.replicationLag': { ms: 1000, description: 'S3 live replication: time from a write to its replica in the destination bucket.' },
});

/** Decides live replication for a version a user (or FSx export) just wrote. */
export function scheduleReplication(world: World, bucket: BucketRecord, key: string, version: ObjectVersion, at: number): void {
  if (version.replicationStatus === 'REPLICA') return;
  const targets = destinationsFor(bucket.replication, key, version.deleteMarker);
  if (targets.length === 0) return;
  version.replicationStatus = 'PENDING';
  version.replication = {
    dueAt: at + world.duration('s3.replicationLag'),
    targets: targets.map((t): ReplicationTarget => ({ ...t, status: 'PENDING' })),
  };
  bucket.pending.push(pendingKey(key, version.versionId));
}

type Delivery = { outcome: 'COMPLETED' } | { outcome: 'FAILED'; reason: string } | { outcome: 'BLOCKED'; reason: string };

/** Copies one version into one destination bucket, keeping its version id, ETag and Last-Modified. */
function deliver(world: World, source: BucketRecord, key: string, version: ObjectVersion, destinationName: string, at: number): Delivery {
  if (world.faults.isRegionDown(source.region)) return { outcome: 'BLOCKED', reason: `source region ${source.region} is down` };
  const destination = findBucket(world, destinationName);
  if (!destination) return { outcome: 'FAILED', reason: 'DstBucketNotFound' };
  if (world.faults.isRegionDown(destination.region)) return { outcome: 'BLOCKED', reason: `destination region ${destination.region} is down` };
  if (destination.versioning !== 'Enabled') return { outcome: 'FAILED', reason: 'DstBucketUnversioned' };
  if (!findVersion(destination, key, version.versionId)) {
    const { replication: _work, ...copy } = version;
    placeVersion(destination, key, { ...copy, metadata: { ...copy.metadata }, replicationStatus: 'REPLICA', arrivedAt: at });
  }
  return { outcome: 'COMPLETED' };
}

/** COMPLETED only when every destination succeeded; FAILED as soon as one failed; else still PENDING. */
function settle(version: ObjectVersion): boolean {
  const targets = version.replication?.targets ?? [];
  if (targets.some((t) => t.status === 'PENDING')) return false;
  if (version.replicationStatus !== 'REPLICA') {
    version.replicationStatus = targets.some((t) => t.status === 'FAILED') ? 'FAILED' : 'COMPLETED';
  }
  return true;
}

/** Delivers every due version whose destinations are reachable. Returns whether anything changed. */
export function advanceReplication(world: World, now: number): boolean {
  let changed = false;
  for (const bucket of allBuckets(world)) {
    if (bucket.pending.length === 0) continue;
    const stillPending: string[] = [];
    for (const entry of bucket.pending) {
      const { key, versionId } = splitPendingKey(entry);
      const version = findVersion(bucket, key, versionId);
      const work = version?.replication;
      if (!version || !work) continue;
      if (work.dueAt > now) {
        stillPending.push(entry);
        continue;
      }
      // Delivered on time unless a region outage held it back; then it lands when we first see the region back.
      const at = work.blocked ? now : work.dueAt;
      for (const target of work.targets) {
        if (target.status !== 'PENDING') continue;
        const result = deliver(world, bucket, key, version, target.bucket, at);
        if (result.outcome === 'BLOCKED') {
          work.blocked = true;
          continue;
        }
        changed = true;
        target.status = result.outcome;
        if (result.outcome === 'FAILED') target.failureReason = result.reason;
      }
      if (!settle(version)) stillPending.push(entry);
    }
    bucket.pending = stillPending;
  }
  return changed;
}

export type ReplicateNowResult = { ok: true } | { ok: false; failureCode: string; message: string };

/**
 * Batch Replication of one version, now, through the source bucket's current configuration. Unlike live
 * replication, an unreachable destination fails the task (the job reports it) instead of waiting.
 */
export function replicateNow(world: World, source: BucketRecord, key: string, version: ObjectVersion, at: number): ReplicateNowResult {
  if (!source.replication) {
    return { ok: false, failureCode: 'SrcBucketReplicationConfigMissing', message: `Bucket ${source.name} has no replication configuration.` };
  }
  const destinations = destinationsFor(source.replication, key, version.deleteMarker);
  if (destinations.length === 0) {
    return { ok: false, failureCode: 'SrcObjectNotEligible', message: `No enabled replication rule of ${source.name} covers ${key}.` };
  }
  const targets: ReplicationTarget[] = [];
  let failure: ReplicateNowResult | undefined;
  for (const destination of destinations) {
    const result = deliver(world, source, key, version, destination.bucket, at);
    if (result.outcome === 'COMPLETED') {
      targets.push({ ...destination, status: 'COMPLETED' });
      continue;
    }
    const failureCode = result.outcome === 'BLOCKED' ? 'ServiceUnavailable' : result.reason;
    targets.push({ ...destination, status: 'FAILED', failureReason: failureCode });
    failure ??= { ok: false, failureCode, message: `Replicating to ${destination.bucket} failed: ${result.outcome === 'BLOCKED' ? result.reason : failureCode}.` };
  }
  version.replication = { dueAt: at, targets };
  source.pending = source.pending.filter((p) => p !== pendingKey(key, version.versionId));
  settle(version);
  return failure ?? { ok: true };
}
