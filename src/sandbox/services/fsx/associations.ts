/**
 * Data repository associations (aws-reference.md §2.2–§2.3): created, updated and deleted asynchronously, one
 * request at a time per file system (a FIFO queue that waits while the file system is CREATING). Creation checks
 * the paths (leading `/`, no overlap on either side, `/` only as the single DRA), the limit of 8, auto-import only
 * from a same-region bucket, and ClientRequestToken idempotency; processing ends AVAILABLE, FAILED (bucket
 * missing) or MISCONFIGURED (the `fsx.association-misconfigured` condition fault).
 */
import { AwsError } from '../../protocol/errors.js';
import { defineSettings, type World } from '../../world.js';
import { findBucket } from '../s3/model.js';
import { badRequest, bool, num, object, paginate, rememberRequest, replayedRequest, requireFileSystem, requiredStr, str, strings, tagsOf, type Input } from './common.js';
import {
  associationArn,
  epochSeconds,
  fsxState,
  FSX_STATE,
  parseS3Url,
  relativeTo,
  type AssociationRecord,
  type FileSystemRecord,
  type FsxRegionState,
  type S3Event,
  FSX_CONDITIONS,
} from './model.js';
import { createTaskRecord } from './tasks.js';

defineSettings({
  'fsx.associationCreate': { ms: 2000, description: 'FSx: time to process a CreateDataRepositoryAssociation (CREATING → AVAILABLE).' },
  'fsx.associationUpdate': { ms: 1000, description: 'FSx: time to process an UpdateDataRepositoryAssociation (UPDATING → AVAILABLE).' },
  'fsx.associationDelete': { ms: 1000, description: 'FSx: time to process a DeleteDataRepositoryAssociation (DELETING → gone).' },
});

const MAX_ASSOCIATIONS = 8;
const EVENTS: S3Event[] = ['NEW', 'CHANGED', 'DELETED'];

export function associationNotFound(id: string, accountId: string, region: string): AwsError {
  return new AwsError('DataRepositoryAssociationNotFound', 400, `Data repository association '${id}' does not exist in account ${accountId}, region ${region}.`);
}

function eventsOf(policy: Input | undefined, name: string): S3Event[] | undefined {
  if (!policy) return undefined;
  const events = strings(policy, 'Events') ?? [];
  for (const event of events) if (!EVENTS.includes(event as S3Event)) throw badRequest(`${name} events must be NEW, CHANGED or DELETED, not '${event}'.`);
  if (events.length > 3) throw badRequest(`${name} takes at most 3 events.`);
  return events as S3Event[];
}

function readPolicies(input: Input): { autoImport?: S3Event[]; autoExport?: S3Event[] } {
  const s3 = object(input, 'S3');
  const autoImport = eventsOf(object(s3 ?? {}, 'AutoImportPolicy'), 'AutoImportPolicy');
  const autoExport = eventsOf(object(s3 ?? {}, 'AutoExportPolicy'), 'AutoExportPolicy');
  return { ...(autoImport ? { autoImport } : {}), ...(autoExport ? { autoExport } : {}) };
}

function fsPathsOverlap(a: string, b: string): boolean {
  return a === '/' || b === '/' || a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

function repositoriesOverlap(a: AssociationRecord, bucket: string, prefix: string): boolean {
  return a.bucket === bucket && (a.prefix.startsWith(prefix) || prefix.startsWith(a.prefix));
}

function checkAutoImportRegion(world: World, fs: FileSystemRecord, bucketName: string, autoImport: S3Event[] | undefined): void {
  const bucket = findBucket(world, bucketName);
  if (autoImport && autoImport.length > 0 && bucket && bucket.region !== fs.region) {
    throw badRequest(
      `Automatic import requires the S3 bucket in the file system's region: ${bucketName} is in ${bucket.region}, ${fs.fileSystemId} in ${fs.region}. Link a bucket in ${fs.region} or remove AutoImportPolicy.`,
    );
  }
}

export function createAssociation(world: World, accountId: string, region: string, input: Input, now: number): AssociationRecord {
  const state = fsxState(world, accountId, region);
  const token = str(input, 'ClientRequestToken');
  const replayed = replayedRequest(state, 'CreateDataRepositoryAssociation', token, input);
  if (replayed && state.associations[replayed]) return state.associations[replayed];

  const fs = requireFileSystem(world, accountId, region, requiredStr(input, 'FileSystemId'));
  if (fs.lifecycle !== 'CREATING' && fs.lifecycle !== 'AVAILABLE' && fs.lifecycle !== 'UPDATING') {
    throw badRequest(`File system ${fs.fileSystemId} is ${fs.lifecycle}; data repository associations can only be created while it is CREATING or AVAILABLE.`);
  }
  if (fs.deploymentType === 'SCRATCH_1' || fs.fileSystemTypeVersion === '2.10') {
    throw badRequest(`Data repository associations are not supported on ${fs.deploymentType} / Lustre ${fs.fileSystemTypeVersion} (${fs.fileSystemId}); use PERSISTENT_2 (or SCRATCH_2/PERSISTENT_1) with Lustre 2.12 or 2.15.`);
  }
  const fileSystemPath = str(input, 'FileSystemPath') ?? '/';
  if (!fileSystemPath.startsWith('/') || /[\0\r\n\u0085\u2028\u2029]/.test(fileSystemPath) || fileSystemPath.length > 4096) {
    throw badRequest(`FileSystemPath '${fileSystemPath}' must start with / (e.g. /data) and contain no control characters.`);
  }
  const normalisedPath = fileSystemPath.length > 1 ? fileSystemPath.replace(/\/+$/, '') : '/';
  const dataRepositoryPath = requiredStr(input, 'DataRepositoryPath');
  const repository = parseS3Url(dataRepositoryPath);
  if (!repository) throw badRequest(`DataRepositoryPath '${dataRepositoryPath}' must be an S3 URL such as s3://my-bucket/prefix/.`);
  const chunkSize = num(input, 'ImportedFileChunkSize') ?? 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > 512000) throw badRequest('ImportedFileChunkSize must be 1-512000 MiB.');
  const policies = readPolicies(input);

  const siblings = Object.values(state.associations).filter((a) => a.fileSystemId === fs.fileSystemId);
  if (siblings.length >= MAX_ASSOCIATIONS) {
    throw new AwsError('ServiceLimitExceeded', 400, `File system ${fs.fileSystemId} already has ${siblings.length} data repository associations; the limit is ${MAX_ASSOCIATIONS}.`);
  }
  if (normalisedPath === '/' && siblings.length > 0) {
    throw badRequest(`FileSystemPath / can only be used by the first and only association of ${fs.fileSystemId}, which already has ${siblings.length}.`);
  }
  for (const other of siblings) {
    if (fsPathsOverlap(other.fileSystemPath, normalisedPath)) {
      throw badRequest(`FileSystemPath ${normalisedPath} overlaps ${other.fileSystemPath} of association ${other.associationId} on ${fs.fileSystemId}; association paths must not overlap.`);
    }
    if (repositoriesOverlap(other, repository.bucket, repository.prefix)) {
      throw badRequest(`DataRepositoryPath ${dataRepositoryPath} overlaps ${other.dataRepositoryPath} of association ${other.associationId}; repository paths must not overlap.`);
    }
  }
  checkAutoImportRegion(world, fs, repository.bucket, policies.autoImport);

  const associationId = world.newId('dra-', 17);
  const record: AssociationRecord = {
    associationId,
    fileSystemId: fs.fileSystemId,
    ownerId: accountId,
    region,
    lifecycle: 'CREATING',
    createdAt: now,
    fileSystemPath: normalisedPath,
    dataRepositoryPath: `s3://${repository.bucket}/${repository.prefix}`,
    bucket: repository.bucket,
    prefix: repository.prefix,
    batchImportMetaDataOnCreate: bool(input, 'BatchImportMetaDataOnCreate') ?? false,
    importedFileChunkSize: chunkSize,
    ...policies,
    tags: tagsOf(input),
    exported: {},
    imported: {},
  };
  state.associations[associationId] = record;
  fs.draQueue.push({ associationId, op: 'create', requestedAt: now });
  rememberRequest(state, 'CreateDataRepositoryAssociation', token, input, associationId);
  return record;
}

export function renderAssociation(dra: AssociationRecord): Record<string, unknown> {
  const s3: Record<string, unknown> = {};
  if (dra.autoImport) s3['AutoImportPolicy'] = { Events: dra.autoImport };
  if (dra.autoExport) s3['AutoExportPolicy'] = { Events: dra.autoExport };
  return {
    AssociationId: dra.associationId,
    ResourceARN: associationArn(dra),
    FileSystemId: dra.fileSystemId,
    Lifecycle: dra.lifecycle,
    ...(dra.failureMessage ? { FailureDetails: { Message: dra.failureMessage } } : {}),
    FileSystemPath: dra.fileSystemPath,
    DataRepositoryPath: dra.dataRepositoryPath,
    BatchImportMetaDataOnCreate: dra.batchImportMetaDataOnCreate,
    ImportedFileChunkSize: dra.importedFileChunkSize,
    S3: s3,
    Tags: dra.tags,
    CreationTime: epochSeconds(dra.createdAt),
  };
}

export function describeAssociations(world: World, accountId: string, region: string, input: Input): Record<string, unknown> {
  const state = fsxState(world, accountId, region);
  const ids = strings(input, 'AssociationIds');
  let found: AssociationRecord[];
  if (ids && ids.length > 0) {
    found = ids.map((id) => state.associations[id] ?? (() => { throw associationNotFound(id, accountId, region); })());
  } else {
    found = Object.values(state.associations);
  }
  const filters = Array.isArray(input['Filters']) ? (input['Filters'] as Input[]) : [];
  for (const filter of filters) {
    const name = str(filter, 'Name');
    const values = strings(filter, 'Values') ?? [];
    if (name === 'file-system-id') found = found.filter((a) => values.includes(a.fileSystemId));
    else if (name === 'data-repository-type') found = found.filter(() => values.includes('S3'));
    else if (name === 'file-cache-id') found = [];
    else throw badRequest(`Filter '${name}' is not supported for DescribeDataRepositoryAssociations here; use file-system-id.`);
  }
  found.sort((a, b) => a.createdAt - b.createdAt || a.associationId.localeCompare(b.associationId));
  const { page, nextToken } = paginate(found, input, 25);
  return { Associations: page.map(renderAssociation), ...(nextToken ? { NextToken: nextToken } : {}) };
}

function requireAssociation(world: World, accountId: string, region: string, input: Input): { dra: AssociationRecord; fs: FileSystemRecord } {
  const id = requiredStr(input, 'AssociationId');
  const dra = fsxState(world, accountId, region).associations[id];
  if (!dra) throw associationNotFound(id, accountId, region);
  return { dra, fs: requireFileSystem(world, accountId, region, dra.fileSystemId) };
}

export function updateAssociation(world: World, accountId: string, region: string, input: Input, now: number): AssociationRecord {
  const state = fsxState(world, accountId, region);
  const token = str(input, 'ClientRequestToken');
  const replayed = replayedRequest(state, 'UpdateDataRepositoryAssociation', token, input);
  const { dra, fs } = requireAssociation(world, accountId, region, input);
  if (replayed) return dra;
  if (dra.lifecycle !== 'AVAILABLE' && dra.lifecycle !== 'MISCONFIGURED') {
    throw badRequest(`Association ${dra.associationId} is ${dra.lifecycle}; it can be updated only when AVAILABLE or MISCONFIGURED.`);
  }
  const policies = readPolicies(input);
  checkAutoImportRegion(world, fs, dra.bucket, policies.autoImport);
  const chunk = num(input, 'ImportedFileChunkSize');
  dra.pendingUpdate = { ...policies, ...(chunk !== undefined ? { importedFileChunkSize: chunk } : {}) };
  dra.lifecycle = 'UPDATING';
  fs.draQueue.push({ associationId: dra.associationId, op: 'update', requestedAt: now });
  rememberRequest(state, 'UpdateDataRepositoryAssociation', token, input, dra.associationId);
  return dra;
}

export function deleteAssociation(world: World, accountId: string, region: string, input: Input, now: number): Record<string, unknown> {
  const { dra, fs } = requireAssociation(world, accountId, region, input);
  const deleteData = bool(input, 'DeleteDataInFileSystem') ?? false;
  if (dra.lifecycle !== 'DELETING') {
    if (dra.lifecycle === 'CREATING' || dra.lifecycle === 'UPDATING') {
      throw badRequest(`Association ${dra.associationId} is ${dra.lifecycle}; wait until it leaves that state, then delete it.`);
    }
    dra.lifecycle = 'DELETING';
    dra.deleteDataInFileSystem = deleteData;
    fs.draQueue.push({ associationId: dra.associationId, op: 'delete', requestedAt: now });
  }
  return { AssociationId: dra.associationId, Lifecycle: 'DELETING', DeleteDataInFileSystem: dra.deleteDataInFileSystem ?? deleteData };
}

function misconfigured(world: World, dra: AssociationRecord): boolean {
  const name = FSX_CONDITIONS.associationMisconfigured;
  return world.faults.hasCondition(name, dra.associationId) || world.faults.hasCondition(name, dra.fileSystemId) || world.faults.hasCondition(name, dra.bucket);
}

/** Health of a link that is (or is about to be) in service: the bucket must exist and the config be intact. */
function settleHealth(world: World, dra: AssociationRecord): void {
  if (!findBucket(world, dra.bucket)) {
    dra.lifecycle = 'FAILED';
    dra.failureMessage = `The S3 bucket ${dra.bucket} of ${dra.dataRepositoryPath} does not exist or Amazon FSx cannot access it. Delete this association and create it again once the bucket exists.`;
  } else if (misconfigured(world, dra)) {
    dra.lifecycle = 'MISCONFIGURED';
    dra.failureMessage = `Automatic import and export are stopped for ${dra.dataRepositoryPath}: the bucket's event notification for FSx is missing or conflicts with another notification, or FSx lacks permissions. Fix it, then update the association.`;
  } else {
    dra.lifecycle = 'AVAILABLE';
    delete dra.failureMessage;
  }
}

function completeOperation(world: World, state: FsxRegionState, fs: FileSystemRecord, dra: AssociationRecord, op: 'create' | 'update' | 'delete', at: number): void {
  if (op === 'create') {
    settleHealth(world, dra);
    if (dra.lifecycle !== 'FAILED') dra.linkedAt = at;
    if (dra.lifecycle === 'AVAILABLE' && dra.batchImportMetaDataOnCreate) {
      createTaskRecord(world, state, fs, { type: 'IMPORT_METADATA_FROM_REPOSITORY', paths: [dra.dataRepositoryPath], report: { Enabled: false }, associationId: dra.associationId }, at);
    }
  } else if (op === 'update') {
    const update = dra.pendingUpdate ?? {};
    if (update.autoImport) dra.autoImport = update.autoImport;
    if (update.autoExport) dra.autoExport = update.autoExport;
    if (update.importedFileChunkSize !== undefined) dra.importedFileChunkSize = update.importedFileChunkSize;
    delete dra.pendingUpdate;
    settleHealth(world, dra);
  } else {
    if (dra.deleteDataInFileSystem) {
      for (const path of Object.keys(fs.files)) if (relativeTo(dra.fileSystemPath, path) !== undefined) delete fs.files[path];
    }
    delete state.associations[dra.associationId];
  }
}

/** Works through each file system's DRA queue, one request at a time, at exact due times. */
export function advanceAssociations(world: World, now: number): boolean {
  let changed = false;
  for (const { region, state } of world.states<FsxRegionState>(FSX_STATE)) {
    if (world.faults.isRegionDown(region)) continue;
    for (const fs of Object.values(state.fileSystems)) {
      while (fs.draQueue.length > 0 && fs.lifecycle === 'AVAILABLE') {
        const head = fs.draQueue[0] as FileSystemRecord['draQueue'][number];
        const dra = state.associations[head.associationId];
        if (!dra) {
          fs.draQueue.shift();
          continue;
        }
        const duration = world.duration(head.op === 'create' ? 'fsx.associationCreate' : head.op === 'update' ? 'fsx.associationUpdate' : 'fsx.associationDelete');
        const start = Math.max(head.requestedAt, fs.draBusyUntil ?? 0, fs.lifecycleSince);
        const end = start + duration;
        if (end > now) break;
        completeOperation(world, state, fs, dra, head.op, end);
        fs.draBusyUntil = end;
        fs.draQueue.shift();
        changed = true;
      }
      // A link in service breaks when its bucket disappears or its configuration is tampered with.
      for (const dra of Object.values(state.associations)) {
        if (dra.fileSystemId !== fs.fileSystemId || dra.lifecycle !== 'AVAILABLE') continue;
        settleHealth(world, dra);
        if (dra.lifecycle !== 'AVAILABLE') changed = true;
      }
    }
  }
  return changed;
}
