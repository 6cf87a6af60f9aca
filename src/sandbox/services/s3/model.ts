/**
 * S3 buckets and objects as plain JSON data inside the World, and the pure-ish operations on them (they take the
 * World only to find buckets and draw ids). Bucket names are global, so a bucket lives in the state of the account
 * and region that created it and `findBucket` searches every state.
 *
 * Object bodies are stored base64 so binary uploads survive save/load. Every version remembers two times:
 * `lastModified` (what S3 reports; replicas keep the source's) and `arrivedAt` (when it landed in this bucket),
 * which FSx auto-import uses to apply its lag to replicated objects too.
 */
import { createHash } from 'node:crypto';
import type { World } from '../../world.js';
import type { ReplicationConfiguration } from './replication-config.js';

export const S3_STATE = 's3';

export type VersioningStatus = 'Enabled' | 'Suspended';
export type ReplicationStatus = 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';

/** One destination of a version's live replication, as decided when the version was written. */
export interface ReplicationTarget {
  bucket: string;
  ruleId: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  /** S3's failure code (e.g. DstBucketNotFound) once FAILED. */
  failureReason?: string;
}

export interface ObjectVersion {
  /** `null` (the string, as S3 spells it) for objects written while versioning was off or suspended. */
  versionId: string;
  deleteMarker: boolean;
  /** base64 of the bytes; '' for delete markers. */
  body: string;
  /** Quoted hex MD5, as S3 sends it. */
  etag: string;
  size: number;
  contentType?: string;
  metadata: Record<string, string>;
  lastModified: number;
  arrivedAt: number;
  /** Absent when no replication rule applied (the "NONE" of Batch Replication filters). */
  replicationStatus?: ReplicationStatus;
  /** Live replication work for this version (source side); absent when nothing is or was to be done. */
  replication?: { dueAt: number; targets: ReplicationTarget[]; blocked?: boolean };
}

export interface BucketRecord {
  name: string;
  accountId: string;
  region: string;
  createdAt: number;
  /** Absent when versioning was never enabled (GetBucketVersioning then returns no Status). */
  versioning?: VersioningStatus;
  replication?: ReplicationConfiguration;
  /** key → versions, newest first. */
  objects: Record<string, ObjectVersion[]>;
  /** `key\u0000versionId` of versions with live replication still PENDING, so the advance hook scans little. */
  pending: string[];
}

export interface S3RegionState {
  buckets: Record<string, BucketRecord>;
}

export function s3State(world: World, accountId: string, region: string): S3RegionState {
  return world.state<S3RegionState>(S3_STATE, accountId, region, () => ({ buckets: {} }));
}

/** The bucket with this (global) name, wherever it lives. */
export function findBucket(world: World, name: string): BucketRecord | undefined {
  for (const { state } of world.states<S3RegionState>(S3_STATE)) {
    const bucket = state.buckets[name];
    if (bucket) return bucket;
  }
  return undefined;
}

export function allBuckets(world: World): BucketRecord[] {
  return world.states<S3RegionState>(S3_STATE).flatMap(({ state }) => Object.values(state.buckets));
}

/** Creates a bucket (no checks beyond the caller's). */
export function createBucketRecord(world: World, accountId: string, region: string, name: string, at: number): BucketRecord {
  const bucket: BucketRecord = { name, accountId, region, createdAt: at, objects: {}, pending: [] };
  s3State(world, accountId, region).buckets[name] = bucket;
  return bucket;
}

/** Removes a bucket and everything in it (tests and scenarios use this to make a destination "gone"). */
export function removeBucketRecord(world: World, name: string): boolean {
  for (const { state } of world.states<S3RegionState>(S3_STATE)) {
    if (state.buckets[name]) {
      delete state.buckets[name];
      return true;
    }
  }
  return false;
}

export function etagOf(bytes: Buffer): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** The current version of a key (may be a delete marker), or undefined when the key has no versions. */
export function currentVersion(bucket: BucketRecord, key: string): ObjectVersion | undefined {
  return bucket.objects[key]?.[0];
}

export function findVersion(bucket: BucketRecord, key: string, versionId: string): ObjectVersion | undefined {
  return bucket.objects[key]?.find((v) => v.versionId === versionId);
}

export function bodyOf(version: ObjectVersion): Buffer {
  return Buffer.from(version.body, 'base64');
}

export interface NewObject {
  body: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * Adds a version the way the bucket's versioning state dictates: a new id when Enabled; the `null` version
 * replaced when Suspended or never enabled (unversioned buckets keep exactly one version per key).
 */
export function insertVersion(world: World, bucket: BucketRecord, key: string, version: Omit<ObjectVersion, 'versionId'>): ObjectVersion {
  const versionId = bucket.versioning === 'Enabled' ? world.newId('', 32) : 'null';
  return placeVersion(bucket, key, { ...version, versionId });
}

/** Puts a version with a given id on top of the key's stack (replicas keep their source's version id). */
export function placeVersion(bucket: BucketRecord, key: string, version: ObjectVersion): ObjectVersion {
  const existing = (bucket.objects[key] ?? []).filter((v) => v.versionId !== version.versionId);
  bucket.objects[key] = [version, ...existing];
  return version;
}

export function objectVersionFrom(object: NewObject, at: number): Omit<ObjectVersion, 'versionId'> {
  return {
    deleteMarker: false,
    body: object.body.toString('base64'),
    etag: etagOf(object.body),
    size: object.body.length,
    ...(object.contentType ? { contentType: object.contentType } : {}),
    metadata: { ...(object.metadata ?? {}) },
    lastModified: at,
    arrivedAt: at,
  };
}

export function deleteMarkerFrom(at: number): Omit<ObjectVersion, 'versionId'> {
  return { deleteMarker: true, body: '', etag: '', size: 0, metadata: {}, lastModified: at, arrivedAt: at };
}

/** Permanently removes one version (a version-specific delete). Returns the removed version. */
export function removeVersion(bucket: BucketRecord, key: string, versionId: string): ObjectVersion | undefined {
  const versions = bucket.objects[key];
  const found = versions?.find((v) => v.versionId === versionId);
  if (!versions || !found) return undefined;
  const rest = versions.filter((v) => v !== found);
  if (rest.length) bucket.objects[key] = rest;
  else delete bucket.objects[key];
  bucket.pending = bucket.pending.filter((p) => p !== pendingKey(key, versionId));
  return found;
}

export function pendingKey(key: string, versionId: string): string {
  return `${key}\u0000${versionId}`;
}

export function splitPendingKey(entry: string): { key: string; versionId: string } {
  const cut = entry.lastIndexOf('\u0000');
  return { key: entry.slice(0, cut), versionId: entry.slice(cut + 1) };
}

/** Keys in lexicographic (UTF-8 binary, as S3 sorts) order. */
export function sortedKeys(bucket: BucketRecord): string[] {
  return Object.keys(bucket.objects).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

export function bucketArn(name: string): string {
  return `arn:aws:s3:::${name}`;
}

/** `arn:aws:s3:::name` → `name`; undefined when the text is not a bucket ARN. */
export function bucketNameFromArn(arn: string): string | undefined {
  const match = /^arn:aws[a-zA-Z-]*:s3:::([^/]+)$/.exec(arn.trim());
  return match?.[1];
}
