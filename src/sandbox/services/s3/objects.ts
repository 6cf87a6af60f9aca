/**
 * Writes and deletes with S3's versioning semantics, shared by the S3 API, FSx (auto-export, export tasks, task
 * reports) and S3 Control (job reports). Each write schedules live replication like a user's write would.
 */
import type { World } from '../../world.js';
import {
  deleteMarkerFrom,
  insertVersion,
  objectVersionFrom,
  removeVersion,
  type BucketRecord,
  type NewObject,
  type ObjectVersion,
} from './model.js';
import { scheduleReplication } from './replication.js';

/** PutObject: a new version (or the replaced `null` version), replicated when a rule applies. */
export function putObject(world: World, bucket: BucketRecord, key: string, object: NewObject, at: number): ObjectVersion {
  const version = insertVersion(world, bucket, key, objectVersionFrom(object, at));
  scheduleReplication(world, bucket, key, version, at);
  return version;
}

export interface DeleteResult {
  deleteMarker: boolean;
  versionId?: string;
}

/**
 * DeleteObject. Without a version id: a delete marker when versioning is (or was) on, else the key is removed.
 * With a version id: that version is removed for good, and — by S3's design — that is never replicated.
 */
export function deleteObject(world: World, bucket: BucketRecord, key: string, at: number, versionId?: string): DeleteResult {
  if (versionId !== undefined) {
    const removed = removeVersion(bucket, key, versionId);
    return { deleteMarker: removed?.deleteMarker ?? false, versionId };
  }
  if (!bucket.versioning) {
    if (bucket.objects[key]) removeVersion(bucket, key, 'null');
    return { deleteMarker: false };
  }
  const marker = insertVersion(world, bucket, key, deleteMarkerFrom(at));
  scheduleReplication(world, bucket, key, marker, at);
  return { deleteMarker: true, versionId: marker.versionId };
}

/** The live (not deleted) object of a key, or undefined. */
export function liveObject(bucket: BucketRecord, key: string): ObjectVersion | undefined {
  const current = bucket.objects[key]?.[0];
  return current && !current.deleteMarker ? current : undefined;
}
