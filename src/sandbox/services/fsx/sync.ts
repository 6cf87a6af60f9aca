/**
 * Moving data between a Lustre file tree and its linked buckets. Export writes files as objects (and so feeds S3
 * replication); import writes objects into the file tree. Two ledgers per association keep the sides from echoing
 * each other: `exported[rel]` is the mtime of the file content that S3 holds, `imported[key]` the fingerprint of the
 * object version the file system has seen — whatever one side writes is recorded as already known to the other.
 *
 * Automatic export and import (the association's policies) run lazily after `fsx.autoExportLag` /
 * `fsx.autoImportLag`, only for changes made after the link existed, with S3's event types (NEW, CHANGED,
 * DELETED); auto-import only from a bucket in the file system's region, and auto-export pauses while an export
 * task is pending or running. Tasks (tasks.ts) use the same moves for everything not yet in sync.
 */
import { defineSettings, type World } from '../../world.js';
import { bodyOf, findBucket, sortedKeys, type BucketRecord, type ObjectVersion } from '../s3/model.js';
import { deleteObject, putObject } from '../s3/objects.js';
import {
  FSX_CONDITIONS,
  FSX_STATE,
  joinFsPath,
  relativeTo,
  type AssociationRecord,
  type FileSystemRecord,
  type FsxRegionState,
  type LustreFile,
  type S3Event,
} from './model.js';

defineSettings({
  'fsx.autoExportLag': { ms: 1000, description: 'FSx auto-export: time from a file change to the object in the linked bucket.' },
  'fsx.autoImportLag': { ms: 1000, description: 'FSx auto-import: time from an object landing in the linked bucket to the file.' },
});

export function objectFingerprint(version: ObjectVersion | undefined): string {
  if (!version) return 'absent';
  return `${version.versionId}/${version.etag}/${version.arrivedAt}/${version.deleteMarker ? 'marker' : 'object'}`;
}

export interface ExportCandidate {
  path: string;
  rel: string;
  file: LustreFile;
  event: S3Event;
}

/** Files under the association whose current state is not in S3 yet; `auto` leaves out what predates the link. */
export function exportCandidates(dra: AssociationRecord, fs: FileSystemRecord, mode: 'auto' | 'task'): ExportCandidate[] {
  const out: ExportCandidate[] = [];
  for (const [path, file] of Object.entries(fs.files)) {
    const rel = relativeTo(dra.fileSystemPath, path);
    if (!rel) continue;
    const known = dra.exported[rel];
    if (file.deleted) {
      if (known !== undefined) out.push({ path, rel, file, event: 'DELETED' });
      continue;
    }
    if (known === file.mtime) continue;
    if (known === undefined && mode === 'auto' && file.mtime < (dra.linkedAt ?? Number.POSITIVE_INFINITY)) continue;
    out.push({ path, rel, file, event: known === undefined ? 'NEW' : 'CHANGED' });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export type MoveResult = { ok: true } | { ok: false; code: string; message: string; temporary: boolean };

function bucketFor(world: World, dra: AssociationRecord): BucketRecord | MoveResult {
  const bucket = findBucket(world, dra.bucket);
  if (!bucket) return { ok: false, code: 'S3_BUCKET_NOT_FOUND', message: `bucket ${dra.bucket} does not exist`, temporary: false };
  if (world.faults.isRegionDown(bucket.region)) {
    return { ok: false, code: 'S3_UNREACHABLE', message: `bucket ${dra.bucket} is in ${bucket.region}, which is down`, temporary: true };
  }
  return bucket;
}

/** Writes one file change (or deletion) to the association's bucket at time `at`. */
export function exportOne(world: World, dra: AssociationRecord, candidate: ExportCandidate, at: number): MoveResult {
  const bucket = bucketFor(world, dra);
  if ('ok' in bucket) return bucket;
  const key = dra.prefix + candidate.rel;
  if (candidate.event === 'DELETED') {
    deleteObject(world, bucket, key, at);
    delete dra.exported[candidate.rel];
  } else {
    putObject(world, bucket, key, { body: Buffer.from(candidate.file.content, 'utf8') }, at);
    dra.exported[candidate.rel] = candidate.file.mtime;
  }
  dra.imported[key] = objectFingerprint(bucket.objects[key]?.[0]);
  return { ok: true };
}

export interface ImportCandidate {
  key: string;
  rel: string;
  /** The current version; undefined when the key vanished (unversioned delete). */
  version: ObjectVersion | undefined;
  event: S3Event;
}

/** Objects under the association (and `keyPrefix`) the file system has not seen in their current version. */
export function importCandidates(dra: AssociationRecord, fs: FileSystemRecord, bucket: BucketRecord, keyPrefix = dra.prefix): ImportCandidate[] {
  const out: ImportCandidate[] = [];
  const seen = new Set<string>();
  for (const key of sortedKeys(bucket)) {
    if (!key.startsWith(dra.prefix) || !key.startsWith(keyPrefix)) continue;
    const rel = key.slice(dra.prefix.length);
    if (rel === '' || rel.endsWith('/')) continue;
    seen.add(key);
    const version = bucket.objects[key]?.[0];
    if (dra.imported[key] === objectFingerprint(version)) continue;
    const file = fs.files[joinFsPath(dra.fileSystemPath, rel)];
    const live = file !== undefined && !file.deleted;
    if (version?.deleteMarker) {
      if (live) out.push({ key, rel, version, event: 'DELETED' });
      else dra.imported[key] = objectFingerprint(version);
      continue;
    }
    out.push({ key, rel, version, event: live ? 'CHANGED' : 'NEW' });
  }
  for (const key of Object.keys(dra.imported)) {
    if (seen.has(key) || !key.startsWith(keyPrefix) || dra.imported[key] === 'absent') continue;
    out.push({ key, rel: key.slice(dra.prefix.length), version: undefined, event: 'DELETED' });
  }
  return out;
}

/** Applies one object (or its deletion) to the file tree at time `at`. */
export function importOne(fs: FileSystemRecord, dra: AssociationRecord, candidate: ImportCandidate, at: number): void {
  const path = joinFsPath(dra.fileSystemPath, candidate.rel);
  const existing = fs.files[path];
  const mtime = Math.max(at, (existing?.mtime ?? 0) + 1);
  if (candidate.event === 'DELETED') {
    if (existing && !existing.deleted) fs.files[path] = { content: '', mtime, deleted: true };
    delete dra.exported[candidate.rel];
  } else if (candidate.version) {
    fs.files[path] = { content: bodyOf(candidate.version).toString('utf8'), mtime };
    dra.exported[candidate.rel] = mtime;
  }
  dra.imported[candidate.key] = objectFingerprint(candidate.version);
}

export function exportTaskActive(state: FsxRegionState, fileSystemId: string): boolean {
  return Object.values(state.tasks).some(
    (t) => t.fileSystemId === fileSystemId && t.type === 'EXPORT_TO_REPOSITORY' && (t.lifecycle === 'PENDING' || t.lifecycle === 'EXECUTING'),
  );
}

/** Whether automatic export still has changes to write for this file system (an export task must wait). */
export function autoExportInFlight(state: FsxRegionState, fs: FileSystemRecord): boolean {
  return associationsOf(state, fs).some(
    (dra) => dra.lifecycle === 'AVAILABLE' && (dra.autoExport?.length ?? 0) > 0 && exportCandidates(dra, fs, 'auto').some((c) => dra.autoExport?.includes(c.event)),
  );
}

export function associationsOf(state: FsxRegionState, fs: FileSystemRecord): AssociationRecord[] {
  return Object.values(state.associations).filter((a) => a.fileSystemId === fs.fileSystemId);
}

function autoExport(world: World, state: FsxRegionState, fs: FileSystemRecord, dra: AssociationRecord, now: number): boolean {
  const events = dra.autoExport ?? [];
  if (events.length === 0 || exportTaskActive(state, fs.fileSystemId)) return false;
  let changed = false;
  for (const candidate of exportCandidates(dra, fs, 'auto')) {
    if (!events.includes(candidate.event)) continue;
    const at = Math.max(candidate.file.mtime + world.duration('fsx.autoExportLag'), dra.linkedAt ?? 0);
    if (at > now) continue;
    if (exportOne(world, dra, candidate, at).ok) changed = true;
  }
  return changed;
}

function autoImport(world: World, fs: FileSystemRecord, dra: AssociationRecord, now: number): boolean {
  const events = dra.autoImport ?? [];
  const bucket = findBucket(world, dra.bucket);
  if (events.length === 0 || !bucket || bucket.region !== fs.region || world.faults.isRegionDown(bucket.region)) return false;
  const ignoreReplicas = world.faults.hasCondition(FSX_CONDITIONS.autoImportIgnoresReplicas, fs.fileSystemId);
  let changed = false;
  for (const candidate of importCandidates(dra, fs, bucket)) {
    if (!events.includes(candidate.event)) continue;
    const arrivedAt = candidate.version?.arrivedAt ?? now;
    // Objects that were there before the link are the business of BatchImportMetaDataOnCreate or import tasks.
    if (dra.imported[candidate.key] === undefined && arrivedAt < (dra.linkedAt ?? Number.POSITIVE_INFINITY)) continue;
    if (ignoreReplicas && candidate.version?.replicationStatus === 'REPLICA') continue;
    const at = Math.max(arrivedAt + world.duration('fsx.autoImportLag'), dra.linkedAt ?? 0);
    if (at > now) continue;
    importOne(fs, dra, candidate, at);
    changed = true;
  }
  return changed;
}

/** The storage step for automatic import/export of every AVAILABLE association in a region that is up. */
export function advanceSync(world: World, now: number): boolean {
  let changed = false;
  for (const { region, state } of world.states<FsxRegionState>(FSX_STATE)) {
    if (world.faults.isRegionDown(region)) continue;
    for (const fs of Object.values(state.fileSystems)) {
      if (fs.lifecycle !== 'AVAILABLE') continue;
      for (const dra of associationsOf(state, fs)) {
        if (dra.lifecycle !== 'AVAILABLE') continue;
        changed = autoExport(world, state, fs, dra, now) || changed;
        changed = autoImport(world, fs, dra, now) || changed;
      }
    }
  }
  return changed;
}
