/**
 * In-process FSx helpers for seeding, scenarios and tests: a Lustre file system that is already AVAILABLE, an
 * association that is already linked, and "bring both sides in sync now" — built from the same records and data
 * moves the API uses, without requests or waiting.
 */
import type { World } from '../../world.js';
import { findBucket } from '../s3/model.js';
import { fsxState, type AssociationRecord, type FileSystemRecord, type S3Event, type Tag } from './model.js';
import { associationsOf, exportCandidates, exportOne, importCandidates, importOne } from './sync.js';

export interface LustreSpec {
  accountId: string;
  region: string;
  fileSystemId?: string;
  deploymentType?: FileSystemRecord['deploymentType'];
  storageCapacity?: number;
  perUnitStorageThroughput?: number;
  fileSystemTypeVersion?: string;
  subnetId?: string;
  tags?: Tag[];
  /** When it was created (and became AVAILABLE). Default: now. */
  at?: number;
}

/** An AVAILABLE Lustre file system (PERSISTENT_2, Lustre 2.15, 1200 GiB unless told otherwise). */
export function createAvailableLustre(world: World, spec: LustreSpec): FileSystemRecord {
  const at = spec.at ?? world.now();
  const deploymentType = spec.deploymentType ?? 'PERSISTENT_2';
  const fs: FileSystemRecord = {
    fileSystemId: spec.fileSystemId ?? world.newId('fs-', 17),
    ownerId: spec.accountId,
    region: spec.region,
    lifecycle: 'AVAILABLE',
    lifecycleSince: at,
    createdAt: at,
    storageCapacity: spec.storageCapacity ?? 1200,
    storageType: 'SSD',
    subnetIds: [spec.subnetId ?? 'subnet-0sandbox0000000'],
    securityGroupIds: [],
    vpcId: world.newId('vpc-', 17),
    networkInterfaceIds: [world.newId('eni-', 17)],
    deploymentType,
    ...(deploymentType.startsWith('PERSISTENT') ? { perUnitStorageThroughput: spec.perUnitStorageThroughput ?? 125 } : {}),
    fileSystemTypeVersion: spec.fileSystemTypeVersion ?? '2.15',
    mountName: deploymentType === 'SCRATCH_1' ? 'fsx' : world.newId('', 8).replace(/^\d/, 'a'),
    dataCompressionType: 'NONE',
    tags: spec.tags ?? [],
    files: {},
    draQueue: [],
  };
  fsxState(world, spec.accountId, spec.region).fileSystems[fs.fileSystemId] = fs;
  return fs;
}

export interface LinkSpec {
  fileSystemPath: string;
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  autoImport?: S3Event[];
  autoExport?: S3Event[];
  at?: number;
}

/** An AVAILABLE association linked at `at` (its bucket should exist; a missing one turns it FAILED on the next look). */
export function createLinkedAssociation(world: World, fs: FileSystemRecord, spec: LinkSpec): AssociationRecord {
  const at = spec.at ?? world.now();
  const prefix = spec.prefix === '' || spec.prefix.endsWith('/') ? spec.prefix : `${spec.prefix}/`;
  const dra: AssociationRecord = {
    associationId: world.newId('dra-', 17),
    fileSystemId: fs.fileSystemId,
    ownerId: fs.ownerId,
    region: fs.region,
    lifecycle: findBucket(world, spec.bucket) ? 'AVAILABLE' : 'FAILED',
    createdAt: at,
    fileSystemPath: spec.fileSystemPath.length > 1 ? spec.fileSystemPath.replace(/\/+$/, '') : '/',
    dataRepositoryPath: `s3://${spec.bucket}/${prefix}`,
    bucket: spec.bucket,
    prefix,
    batchImportMetaDataOnCreate: false,
    importedFileChunkSize: 1024,
    autoImport: spec.autoImport ?? ['NEW', 'CHANGED', 'DELETED'],
    autoExport: spec.autoExport ?? ['NEW', 'CHANGED', 'DELETED'],
    tags: [],
    linkedAt: at,
    exported: {},
    imported: {},
  };
  if (dra.lifecycle === 'FAILED') dra.failureMessage = `The S3 bucket ${spec.bucket} does not exist.`;
  fsxState(world, fs.ownerId, fs.region).associations[dra.associationId] = dra;
  return dra;
}

/** Writes a file straight into the tree at `at` (seeding; the API path is files.ts). */
export function placeLustreFile(fs: FileSystemRecord, path: string, content: string, at: number): void {
  fs.files[path] = { content, mtime: at };
}

/** Exports every change of every linked path now (at `at`), as an export task would. Returns the count. */
export function exportAllNow(world: World, fs: FileSystemRecord, at: number): number {
  let count = 0;
  for (const dra of associationsOf(fsxState(world, fs.ownerId, fs.region), fs)) {
    for (const candidate of exportCandidates(dra, fs, 'task')) if (exportOne(world, dra, candidate, at).ok) count += 1;
  }
  return count;
}

/** Imports every object the file system has not seen, now (at `at`), as an import task would. Returns the count. */
export function importAllNow(world: World, fs: FileSystemRecord, at: number): number {
  let count = 0;
  for (const dra of associationsOf(fsxState(world, fs.ownerId, fs.region), fs)) {
    const bucket = findBucket(world, dra.bucket);
    if (!bucket) continue;
    for (const candidate of importCandidates(dra, fs, bucket)) {
      importOne(fs, dra, candidate, at);
      count += 1;
    }
  }
  return count;
}

export function findLustre(world: World, accountId: string, region: string, fileSystemId: string): FileSystemRecord | undefined {
  return fsxState(world, accountId, region).fileSystems[fileSystemId];
}
