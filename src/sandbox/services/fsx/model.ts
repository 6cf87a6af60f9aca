/**
 * FSx for Lustre state as plain JSON data in the World, per account and region: file systems (each with a small
 * file tree, the data plane), data repository associations (DRAs) and data repository tasks, plus the
 * ClientRequestToken ledger for idempotent creates.
 */
import { createHash } from 'node:crypto';
import type { World } from '../../world.js';

export const FSX_STATE = 'fsx';

/** Named `condition` faults of the FSx emulation (docs/sandbox.md). */
export const FSX_CONDITIONS = {
  /** resourceId = association id, file system id or bucket name: the link ends (or turns) MISCONFIGURED. */
  associationMisconfigured: 'fsx.association-misconfigured',
  /** Objects written by S3 replication do not trigger auto-import (AWS behaviour is UNCERTAIN). */
  autoImportIgnoresReplicas: 'fsx.auto-import-ignores-replicas',
  /** A second data repository task queues as PENDING instead of failing with DataRepositoryTaskExecuting. */
  queueConcurrentTasks: 'fsx.tasks-queue',
} as const;

export type FileSystemLifecycle = 'CREATING' | 'AVAILABLE' | 'UPDATING' | 'DELETING' | 'FAILED' | 'MISCONFIGURED';
export type AssociationLifecycle = 'CREATING' | 'AVAILABLE' | 'MISCONFIGURED' | 'UPDATING' | 'DELETING' | 'FAILED';
export type TaskLifecycle = 'PENDING' | 'EXECUTING' | 'FAILED' | 'SUCCEEDED' | 'CANCELED' | 'CANCELING';
export type TaskType = 'EXPORT_TO_REPOSITORY' | 'IMPORT_METADATA_FROM_REPOSITORY' | 'RELEASE_DATA_FROM_FILESYSTEM';
export type S3Event = 'NEW' | 'CHANGED' | 'DELETED';

/** One file of the data plane. A deletion leaves a tombstone so auto-export knows when it happened. */
export interface LustreFile {
  content: string;
  mtime: number;
  deleted?: boolean;
  /** Content released to S3 by a release task (reads still return it, as Lustre restores lazily). */
  released?: boolean;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface FileSystemRecord {
  fileSystemId: string;
  ownerId: string;
  region: string;
  lifecycle: FileSystemLifecycle;
  lifecycleSince: number;
  createdAt: number;
  storageCapacity: number;
  storageType: 'SSD' | 'HDD';
  subnetIds: string[];
  securityGroupIds: string[];
  vpcId: string;
  networkInterfaceIds: string[];
  deploymentType: 'SCRATCH_1' | 'SCRATCH_2' | 'PERSISTENT_1' | 'PERSISTENT_2';
  perUnitStorageThroughput?: number;
  fileSystemTypeVersion: string;
  mountName: string;
  kmsKeyId?: string;
  dataCompressionType: string;
  metadataConfiguration?: { Mode: string; Iops?: number };
  tags: Tag[];
  files: Record<string, LustreFile>;
  /** DRA requests are processed one at a time per file system, in order. */
  draQueue: Array<{ associationId: string; op: 'create' | 'update' | 'delete'; requestedAt: number }>;
  /** When the last DRA request finished (the next one cannot start earlier). */
  draBusyUntil?: number;
}

export interface AssociationRecord {
  associationId: string;
  fileSystemId: string;
  ownerId: string;
  region: string;
  lifecycle: AssociationLifecycle;
  createdAt: number;
  fileSystemPath: string;
  dataRepositoryPath: string;
  bucket: string;
  /** '' for the whole bucket, else ends with '/'. */
  prefix: string;
  batchImportMetaDataOnCreate: boolean;
  importedFileChunkSize: number;
  /** undefined when the request did not set the policy (the API answers without it). */
  autoImport?: S3Event[];
  autoExport?: S3Event[];
  pendingUpdate?: { autoImport?: S3Event[]; autoExport?: S3Event[]; importedFileChunkSize?: number };
  deleteDataInFileSystem?: boolean;
  failureMessage?: string;
  tags: Tag[];
  /** When the link became usable: changes before it are not auto-synced (import/export tasks handle them). */
  linkedAt?: number;
  /** relative path → mtime of the file content that is in S3 (exported, or imported from S3). */
  exported: Record<string, number>;
  /** S3 key → fingerprint of the object version the file system has seen (imported, or written by export). */
  imported: Record<string, string>;
}

export interface TaskReport {
  Enabled: boolean;
  Path?: string;
  Format?: string;
  Scope?: string;
}

export interface TaskRecord {
  taskId: string;
  fileSystemId: string;
  ownerId: string;
  region: string;
  type: TaskType;
  lifecycle: TaskLifecycle;
  lifecycleSince: number;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  paths: string[];
  report: TaskReport;
  releaseConfiguration?: { DurationSinceLastAccess?: { Unit?: string; Value?: number } };
  tags: Tag[];
  /** The association that created it (BatchImportMetaDataOnCreate), for the data-repository-association-id filter. */
  associationId?: string;
  status?: { total: number; succeeded: number; failed: number; updatedAt: number };
  failureMessage?: string;
}

export interface FsxRegionState {
  fileSystems: Record<string, FileSystemRecord>;
  associations: Record<string, AssociationRecord>;
  tasks: Record<string, TaskRecord>;
  /** `<operation>:<ClientRequestToken>` → the resource it created and a fingerprint of the request. */
  tokens: Record<string, { resourceId: string; fingerprint: string; parameters: Record<string, string> }>;
}

export function fsxState(world: World, accountId: string, region: string): FsxRegionState {
  return world.state<FsxRegionState>(FSX_STATE, accountId, region, () => ({ fileSystems: {}, associations: {}, tasks: {}, tokens: {} }));
}

export function fileSystemArn(fs: FileSystemRecord): string {
  return `arn:aws:fsx:${fs.region}:${fs.ownerId}:file-system/${fs.fileSystemId}`;
}

export function associationArn(dra: AssociationRecord): string {
  return `arn:aws:fsx:${dra.region}:${dra.ownerId}:association/${dra.fileSystemId}/${dra.associationId}`;
}

export function taskArn(task: TaskRecord): string {
  return `arn:aws:fsx:${task.region}:${task.ownerId}:task/${task.taskId}`;
}

/** Epoch seconds (fractions allowed), as awsJson timestamps are sent. */
export function epochSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? 'undefined').digest('hex');
}

/** `s3://bucket/prefix/` → bucket and prefix ('' or ending in '/'); undefined when not an s3:// URL. */
export function parseS3Url(url: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) return undefined;
  const rest = match[2] ?? '';
  return { bucket: match[1] ?? '', prefix: rest === '' || rest.endsWith('/') ? rest : `${rest}/` };
}

/** `/data/x.txt` under the association's `/data` → `x.txt`; undefined when outside it. */
export function relativeTo(fileSystemPath: string, path: string): string | undefined {
  if (fileSystemPath === '/') return path.slice(1);
  if (path.startsWith(`${fileSystemPath}/`)) return path.slice(fileSystemPath.length + 1);
  return undefined;
}

export function joinFsPath(fileSystemPath: string, relative: string): string {
  return fileSystemPath === '/' ? `/${relative}` : `${fileSystemPath}/${relative}`;
}
