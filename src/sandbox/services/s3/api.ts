/**
 * In-process S3 helpers for seeding, scenarios and tests: set up buckets, configurations and objects directly in
 * the World (no request, no region or owner checks). Writes still schedule live replication.
 *
 * Each mutating helper first brings the world up to the clock's `now` (as the router does before a request), so
 * time-driven effects that were due earlier happen against the state as it was then.
 */
import type { World } from '../../world.js';
import { bodyOf, bucketArn, createBucketRecord, findBucket, removeBucketRecord, type BucketRecord, type ObjectVersion, type VersioningStatus } from './model.js';
import { deleteObject, liveObject, putObject } from './objects.js';
import type { ReplicationConfiguration, ReplicationRule } from './replication-config.js';

export interface BucketSpec {
  accountId: string;
  region: string;
  name: string;
  versioning?: VersioningStatus;
}

/** The bucket, created when missing; versioning is applied when given. Throws if the name is taken elsewhere. */
export function ensureBucket(world: World, spec: BucketSpec): BucketRecord {
  world.advance();
  const existing = findBucket(world, spec.name);
  if (existing && (existing.accountId !== spec.accountId || existing.region !== spec.region)) {
    throw new Error(`sandbox: bucket ${spec.name} already exists in ${existing.accountId}/${existing.region}`);
  }
  const bucket = existing ?? createBucketRecord(world, spec.accountId, spec.region, spec.name, world.now());
  if (spec.versioning) bucket.versioning = spec.versioning;
  return bucket;
}

function bucketOrThrow(world: World, name: string): BucketRecord {
  const bucket = findBucket(world, name);
  if (!bucket) throw new Error(`sandbox: no bucket named ${name}`);
  return bucket;
}

/** Sets versioning without S3's checks (a scenario: "someone suspended versioning"). */
export function setBucketVersioning(world: World, name: string, status: VersioningStatus): void {
  world.advance();
  bucketOrThrow(world, name).versioning = status;
}

export function setBucketReplication(world: World, name: string, config: ReplicationConfiguration | undefined): void {
  world.advance();
  const bucket = bucketOrThrow(world, name);
  if (config) bucket.replication = config;
  else delete bucket.replication;
}

export interface SimpleRuleSpec {
  id: string;
  destinationBucket: string;
  prefix?: string;
  priority?: number;
  deleteMarkers?: boolean;
  replicaModifications?: boolean;
  destinationAccount?: string;
  ownerOverride?: boolean;
  rtc?: boolean;
}

/** A V2 rule the way drctl writes them: Filter.Prefix, Priority, DeleteMarkerReplication. */
export function v2Rule(spec: SimpleRuleSpec): ReplicationRule {
  return {
    id: spec.id,
    priority: spec.priority ?? 1,
    filter: { prefix: spec.prefix ?? '' },
    status: 'Enabled',
    ...(spec.replicaModifications === undefined ? {} : { replicaModifications: spec.replicaModifications ? 'Enabled' : 'Disabled' }),
    deleteMarkerReplication: spec.deleteMarkers === false ? 'Disabled' : 'Enabled',
    destination: {
      bucketArn: bucketArn(spec.destinationBucket),
      ...(spec.destinationAccount ? { account: spec.destinationAccount } : {}),
      ...(spec.ownerOverride ? { ownerOverride: 'Destination' } : {}),
      ...(spec.rtc ? { replicationTime: { status: 'Enabled', minutes: 15 }, metrics: { status: 'Enabled', minutes: 15 } } : {}),
    },
  };
}

/** Writes an object as a user would (replicated when a rule applies). */
export function writeObject(world: World, bucketName: string, key: string, body: string | Buffer, contentType?: string): ObjectVersion {
  world.advance();
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return putObject(world, bucketOrThrow(world, bucketName), key, { body: bytes, ...(contentType ? { contentType } : {}) }, world.now());
}

/** Writes an object as of a past time `at` (seeding history): replication is scheduled from then. */
export function putSeedObject(world: World, bucketName: string, key: string, body: string, at: number): ObjectVersion {
  return putObject(world, bucketOrThrow(world, bucketName), key, { body: Buffer.from(body, 'utf8') }, at);
}

/** The live object's text and version, or undefined when absent or deleted. */
export function readObject(world: World, bucketName: string, key: string): { text: string; version: ObjectVersion } | undefined {
  world.advance();
  const bucket = findBucket(world, bucketName);
  const version = bucket ? liveObject(bucket, key) : undefined;
  return version ? { text: bodyOf(version).toString('utf8'), version } : undefined;
}

export function removeObject(world: World, bucketName: string, key: string): void {
  world.advance();
  deleteObject(world, bucketOrThrow(world, bucketName), key, world.now());
}

/** Deletes a bucket with everything in it (a scenario: "the destination bucket is gone"). */
export function destroyBucket(world: World, name: string): boolean {
  world.advance();
  return removeBucketRecord(world, name);
}

export { findBucket };
