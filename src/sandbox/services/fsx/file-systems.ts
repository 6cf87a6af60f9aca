/**
 * FSx for Lustre file systems: CreateFileSystem (validated as in aws-reference.md §2.5, CREATING → AVAILABLE after
 * `fsx.fileSystemCreate`), DescribeFileSystems, DeleteFileSystem (refused while tasks are PENDING or EXECUTING;
 * DELETING → gone after `fsx.fileSystemDelete`).
 */
import { AwsError } from '../../protocol/errors.js';
import { defineSettings, type World } from '../../world.js';
import {
  badRequest,
  bool,
  num,
  object,
  paginate,
  rememberRequest,
  replayedRequest,
  requireFileSystem,
  requiredStr,
  str,
  strings,
  tagsOf,
  fileSystemNotFound,
  type Input,
} from './common.js';
import { epochSeconds, fileSystemArn, fsxState, FSX_STATE, type FileSystemRecord, type FsxRegionState } from './model.js';

defineSettings({
  'fsx.fileSystemCreate': { ms: 5000, description: 'FSx: time a Lustre file system spends CREATING before AVAILABLE.' },
  'fsx.fileSystemDelete': { ms: 2000, description: 'FSx: time a file system spends DELETING before it is gone.' },
});

type DeploymentType = FileSystemRecord['deploymentType'];
const DEPLOYMENT_TYPES: DeploymentType[] = ['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2'];
const THROUGHPUT: Record<string, number[]> = {
  'PERSISTENT_2/SSD': [125, 250, 500, 1000],
  'PERSISTENT_1/SSD': [50, 100, 200],
  'PERSISTENT_1/HDD': [12, 40],
};

function invalidThroughput(message: string): AwsError {
  return new AwsError('InvalidPerUnitStorageThroughput', 400, message);
}

/** The StorageCapacity rules of Lustre, per deployment and storage type (GiB). */
function checkCapacity(capacity: number, deployment: DeploymentType, storageType: string, throughput: number | undefined): void {
  const fail = (rule: string) => badRequest(`StorageCapacity ${capacity} GiB is not valid for ${deployment} ${storageType}: ${rule}.`);
  if (!Number.isInteger(capacity) || capacity <= 0) throw fail('it must be a positive integer');
  if (deployment === 'PERSISTENT_1' && storageType === 'HDD') {
    const step = throughput === 12 ? 6000 : 1800;
    if (capacity % step !== 0) throw fail(`use a multiple of ${step} GiB`);
    return;
  }
  const step = deployment === 'SCRATCH_1' ? 3600 : 2400;
  if (capacity !== 1200 && capacity !== 2400 && capacity % step !== 0) throw fail(`use 1200, 2400 or a multiple of ${step} GiB`);
}

function defaultVersion(deployment: DeploymentType, metadata: Input | undefined): string {
  if (deployment !== 'PERSISTENT_2') return '2.10';
  return metadata ? '2.15' : '2.12';
}

export function createFileSystem(world: World, accountId: string, region: string, input: Input, now: number): FileSystemRecord {
  const state = fsxState(world, accountId, region);
  const token = str(input, 'ClientRequestToken');
  const replayed = replayedRequest(state, 'CreateFileSystem', token, input);
  if (replayed && state.fileSystems[replayed]) return state.fileSystems[replayed];

  const type = requiredStr(input, 'FileSystemType');
  if (type !== 'LUSTRE') throw new AwsError('NotImplemented', 501, `The drctl sandbox emulates FSx for Lustre only, not FileSystemType ${type}.`);
  const lustre = object(input, 'LustreConfiguration') ?? {};
  for (const legacy of ['ImportPath', 'ExportPath', 'AutoImportPolicy', 'ImportedFileChunkSize']) {
    if (lustre[legacy] !== undefined) {
      throw new AwsError('NotImplemented', 501, `The drctl sandbox does not emulate the legacy S3 link (${legacy}); link S3 with data repository associations instead.`);
    }
  }
  const subnetIds = strings(input, 'SubnetIds') ?? [];
  if (subnetIds.length !== 1) throw badRequest(`A Lustre file system takes exactly one subnet in SubnetIds; got ${subnetIds.length}.`);
  const deployment = (str(lustre, 'DeploymentType') ?? 'SCRATCH_1') as DeploymentType;
  if (!DEPLOYMENT_TYPES.includes(deployment)) throw badRequest(`DeploymentType must be one of ${DEPLOYMENT_TYPES.join(', ')}, not '${deployment}'.`);
  const storageType = str(input, 'StorageType') ?? 'SSD';
  if (storageType === 'INTELLIGENT_TIERING') throw new AwsError('NotImplemented', 501, 'The drctl sandbox does not emulate Intelligent-Tiering Lustre file systems (they cannot link to S3).');
  if (storageType !== 'SSD' && storageType !== 'HDD') throw badRequest(`StorageType must be SSD or HDD, not '${storageType}'.`);
  if (storageType === 'HDD' && deployment !== 'PERSISTENT_1') throw badRequest(`HDD storage is available with PERSISTENT_1 only, not ${deployment}.`);
  const throughput = num(lustre, 'PerUnitStorageThroughput');
  if (deployment.startsWith('PERSISTENT')) {
    const allowed = THROUGHPUT[`${deployment}/${storageType}`] ?? [];
    if (throughput === undefined || !allowed.includes(throughput)) {
      throw invalidThroughput(`PerUnitStorageThroughput for ${deployment} ${storageType} must be one of ${allowed.join(', ')} MB/s/TiB; got ${throughput ?? 'none'}.`);
    }
  } else if (throughput !== undefined) {
    throw invalidThroughput(`PerUnitStorageThroughput is only for PERSISTENT deployment types, not ${deployment}.`);
  }
  const metadata = object(lustre, 'MetadataConfiguration');
  const version = str(input, 'FileSystemTypeVersion') ?? defaultVersion(deployment, metadata);
  if (!['2.10', '2.12', '2.15'].includes(version)) throw badRequest(`FileSystemTypeVersion must be 2.10, 2.12 or 2.15, not '${version}'.`);
  if (deployment === 'PERSISTENT_2' && version === '2.10') throw badRequest('PERSISTENT_2 file systems need FileSystemTypeVersion 2.12 or later; 2.10 is not supported.');
  const capacity = num(input, 'StorageCapacity');
  if (capacity === undefined) throw badRequest('StorageCapacity is required for Lustre file systems.');
  checkCapacity(capacity, deployment, storageType, throughput);

  const fileSystemId = world.newId('fs-', 17);
  const kmsKeyId = str(input, 'KmsKeyId');
  const record: FileSystemRecord = {
    fileSystemId,
    ownerId: accountId,
    region,
    lifecycle: 'CREATING',
    lifecycleSince: now,
    createdAt: now,
    storageCapacity: capacity,
    storageType,
    subnetIds,
    securityGroupIds: strings(input, 'SecurityGroupIds') ?? [],
    vpcId: world.newId('vpc-', 17),
    networkInterfaceIds: [world.newId('eni-', 17)],
    deploymentType: deployment,
    ...(throughput !== undefined ? { perUnitStorageThroughput: throughput } : {}),
    fileSystemTypeVersion: version,
    mountName: deployment === 'SCRATCH_1' ? 'fsx' : world.newId('', 8).replace(/^\d/, 'a'),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    dataCompressionType: str(lustre, 'DataCompressionType') ?? 'NONE',
    ...(metadata ? { metadataConfiguration: { Mode: str(metadata, 'Mode') ?? 'AUTOMATIC', ...(num(metadata, 'Iops') !== undefined ? { Iops: num(metadata, 'Iops') as number } : {}) } } : {}),
    tags: tagsOf(input),
    files: {},
    draQueue: [],
  };
  state.fileSystems[fileSystemId] = record;
  rememberRequest(state, 'CreateFileSystem', token, input, fileSystemId);
  return record;
}

export function renderFileSystem(fs: FileSystemRecord): Record<string, unknown> {
  return {
    OwnerId: fs.ownerId,
    CreationTime: epochSeconds(fs.createdAt),
    FileSystemId: fs.fileSystemId,
    FileSystemType: 'LUSTRE',
    Lifecycle: fs.lifecycle,
    StorageCapacity: fs.storageCapacity,
    StorageType: fs.storageType,
    VpcId: fs.vpcId,
    SubnetIds: fs.subnetIds,
    NetworkInterfaceIds: fs.networkInterfaceIds,
    DNSName: `${fs.fileSystemId}.fsx.${fs.region}.amazonaws.com`,
    ...(fs.kmsKeyId ? { KmsKeyId: fs.kmsKeyId } : {}),
    ResourceARN: fileSystemArn(fs),
    Tags: fs.tags,
    LustreConfiguration: {
      WeeklyMaintenanceStartTime: '1:05:00',
      DeploymentType: fs.deploymentType,
      ...(fs.perUnitStorageThroughput !== undefined ? { PerUnitStorageThroughput: fs.perUnitStorageThroughput } : {}),
      MountName: fs.mountName,
      DataCompressionType: fs.dataCompressionType,
      LogConfiguration: { Level: 'DISABLED' },
      ...(fs.metadataConfiguration ? { MetadataConfiguration: fs.metadataConfiguration } : {}),
    },
    FileSystemTypeVersion: fs.fileSystemTypeVersion,
  };
}

export function describeFileSystems(world: World, accountId: string, region: string, input: Input): Record<string, unknown> {
  const state = fsxState(world, accountId, region);
  const ids = strings(input, 'FileSystemIds');
  let systems: FileSystemRecord[];
  if (ids && ids.length > 0) {
    systems = ids.map((id) => {
      const fs = state.fileSystems[id];
      if (!fs) throw fileSystemNotFound(id, accountId, region);
      return fs;
    });
  } else {
    systems = Object.values(state.fileSystems).sort((a, b) => a.createdAt - b.createdAt || a.fileSystemId.localeCompare(b.fileSystemId));
  }
  const { page, nextToken } = paginate(systems, input, 2147483647);
  return { FileSystems: page.map(renderFileSystem), ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function deleteFileSystem(world: World, accountId: string, region: string, input: Input, now: number): Record<string, unknown> {
  const state = fsxState(world, accountId, region);
  const fs = requireFileSystem(world, accountId, region, requiredStr(input, 'FileSystemId'));
  if (fs.lifecycle !== 'DELETING') {
    const busy = Object.values(state.tasks).filter((t) => t.fileSystemId === fs.fileSystemId && (t.lifecycle === 'PENDING' || t.lifecycle === 'EXECUTING'));
    if (busy.length > 0) {
      throw badRequest(
        `Cannot delete file system ${fs.fileSystemId} while data repository tasks are PENDING or EXECUTING (${busy.map((t) => `${t.taskId} ${t.lifecycle}`).join(', ')}). Wait for them to finish or cancel them.`,
      );
    }
    if (fs.lifecycle === 'CREATING' || fs.lifecycle === 'UPDATING') {
      throw badRequest(`Cannot delete file system ${fs.fileSystemId} while it is ${fs.lifecycle}; retry when it is AVAILABLE.`);
    }
    fs.lifecycle = 'DELETING';
    fs.lifecycleSince = now;
    for (const dra of Object.values(state.associations)) if (dra.fileSystemId === fs.fileSystemId) dra.lifecycle = 'DELETING';
  }
  const skipFinalBackup = bool(object(input, 'LustreConfiguration') ?? {}, 'SkipFinalBackup');
  return { FileSystemId: fs.fileSystemId, Lifecycle: 'DELETING', LustreResponse: skipFinalBackup === false ? { FinalBackupId: world.newId('backup-', 17) } : {} };
}

/** CREATING → AVAILABLE and DELETING → gone, at their due times. */
export function advanceFileSystems(world: World, now: number): boolean {
  let changed = false;
  for (const { region, state } of world.states<FsxRegionState>(FSX_STATE)) {
    if (world.faults.isRegionDown(region)) continue;
    for (const fs of Object.values(state.fileSystems)) {
      if (fs.lifecycle === 'CREATING' && fs.lifecycleSince + world.duration('fsx.fileSystemCreate') <= now) {
        fs.lifecycleSince += world.duration('fsx.fileSystemCreate');
        fs.lifecycle = 'AVAILABLE';
        changed = true;
      } else if (fs.lifecycle === 'DELETING' && fs.lifecycleSince + world.duration('fsx.fileSystemDelete') <= now) {
        delete state.fileSystems[fs.fileSystemId];
        for (const dra of Object.values(state.associations)) if (dra.fileSystemId === fs.fileSystemId) delete state.associations[dra.associationId];
        changed = true;
      }
    }
  }
  return changed;
}
