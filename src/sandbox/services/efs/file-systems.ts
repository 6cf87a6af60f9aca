/** File systems and mount targets: creation (for seeding and replicas), DescribeFileSystems, DescribeMountTargets, UpdateFileSystemProtection. */
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../types.js';
import type { World } from '../../world.js';
import { markFileSystemPending } from './replication-sync.js';
import { efsState, fileSystemArn, parseFileSystemRef, recordsForFileSystem, type EfsFileSystem, type EfsMountTarget, type Protection } from './model.js';

export interface NewFileSystem {
  fileSystemId?: string;
  creationToken?: string;
  name?: string | undefined;
  performanceMode?: EfsFileSystem['performanceMode'];
  throughputMode?: EfsFileSystem['throughputMode'];
  protection?: Protection;
  availabilityZoneName?: string;
  kmsKeyId?: string;
  /** Starts `creating` and becomes available after `efs.fileSystemCreating`. */
  creating?: boolean;
  files?: Record<string, string>;
}

export function createFileSystem(world: World, accountId: string, region: string, spec: NewFileSystem): EfsFileSystem {
  const now = world.now();
  const fileSystemId = spec.fileSystemId ?? world.newId('fs-', 17);
  const fs: EfsFileSystem = {
    fileSystemId,
    ownerId: accountId,
    region,
    creationToken: spec.creationToken ?? `drctl-sandbox-${fileSystemId}`,
    creationTime: now,
    lifeCycleState: spec.creating ? 'creating' : 'available',
    performanceMode: spec.performanceMode ?? 'generalPurpose',
    throughputMode: spec.throughputMode ?? 'elastic',
    encrypted: true,
    kmsKeyId: spec.kmsKeyId ?? `arn:aws:kms:${region}:${accountId}:alias/aws/elasticfilesystem`,
    protection: spec.protection ?? 'ENABLED',
    tags: spec.name ? [{ Key: 'Name', Value: spec.name }] : [],
    mountTargetIds: [],
    files: {},
    ...(spec.name ? { name: spec.name } : {}),
    ...(spec.availabilityZoneName ? { availabilityZoneName: spec.availabilityZoneName } : {}),
    ...(spec.creating ? { availableAt: now + world.duration('efs.fileSystemCreating') } : {}),
  };
  for (const [path, content] of Object.entries(spec.files ?? {})) fs.files[path] = { content, mtime: now };
  efsState(world, accountId, region).fileSystems[fileSystemId] = fs;
  if (spec.creating) markFileSystemPending(world, { accountId, region, fileSystemId });
  return fs;
}

export function createMountTarget(world: World, fs: EfsFileSystem, availabilityZoneName: string): EfsMountTarget {
  const state = efsState(world, fs.ownerId, fs.region);
  const count = world.data.idCounter;
  const mountTarget: EfsMountTarget = {
    mountTargetId: world.newId('fsmt-', 17),
    fileSystemId: fs.fileSystemId,
    ownerId: fs.ownerId,
    subnetId: world.newId('subnet-', 17),
    vpcId: `vpc-sandbox${fs.region.replace(/[^a-z0-9]/g, '')}`.slice(0, 21),
    availabilityZoneName,
    availabilityZoneId: `${fs.region.slice(0, 3)}az${(availabilityZoneName.at(-1) ?? 'a').charCodeAt(0) - 96}`,
    ipAddress: `10.${(count >> 8) & 255}.${count & 255}.${10 + (count % 200)}`,
    networkInterfaceId: world.newId('eni-', 17),
    lifeCycleState: 'available',
  };
  state.mountTargets[mountTarget.mountTargetId] = mountTarget;
  fs.mountTargetIds.push(mountTarget.mountTargetId);
  return mountTarget;
}

function lookup(world: World, call: CallContext, ref: string): EfsFileSystem {
  const parsed = parseFileSystemRef(ref);
  const fs = parsed ? efsState(world, call.accountId, call.region).fileSystems[parsed.fileSystemId] : undefined;
  if (!fs || (parsed?.region && parsed.region !== call.region)) {
    throw new AwsError('FileSystemNotFound', 404, `File system '${ref}' does not exist in account ${call.accountId}, region ${call.region}.`);
  }
  return fs;
}

export function describeFileSystem(world: World, fs: EfsFileSystem): Record<string, unknown> {
  const mountTargets = fs.mountTargetIds.length;
  const size = Object.values(fs.files)
    .filter((f) => !f.deleted)
    .reduce((sum, f) => sum + Buffer.byteLength(f.content) + 4096, 6144);
  return {
    OwnerId: fs.ownerId,
    CreationToken: fs.creationToken,
    FileSystemId: fs.fileSystemId,
    FileSystemArn: fileSystemArn(fs),
    CreationTime: fs.creationTime / 1000,
    LifeCycleState: fs.lifeCycleState,
    ...(fs.name ? { Name: fs.name } : {}),
    NumberOfMountTargets: mountTargets,
    SizeInBytes: { Value: size, Timestamp: world.now() / 1000, ValueInStandard: size, ValueInIA: 0, ValueInArchive: 0 },
    PerformanceMode: fs.performanceMode,
    Encrypted: fs.encrypted,
    ...(fs.kmsKeyId ? { KmsKeyId: fs.kmsKeyId } : {}),
    ThroughputMode: fs.throughputMode,
    ...(fs.availabilityZoneName ? { AvailabilityZoneName: fs.availabilityZoneName } : {}),
    Tags: fs.tags,
    FileSystemProtection: { ReplicationOverwriteProtection: fs.protection },
  };
}

export function describeFileSystems(
  world: World,
  call: CallContext,
  filter: { fileSystemId?: string; creationToken?: string; marker?: string; maxItems: number },
): Record<string, unknown> {
  let list: EfsFileSystem[];
  if (filter.fileSystemId !== undefined) list = [lookup(world, call, filter.fileSystemId)];
  else list = Object.values(efsState(world, call.accountId, call.region).fileSystems);
  if (filter.creationToken !== undefined) list = list.filter((fs) => fs.creationToken === filter.creationToken);
  list.sort((a, b) => a.creationTime - b.creationTime || a.fileSystemId.localeCompare(b.fileSystemId));
  const start = filter.marker ? Number.parseInt(filter.marker, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError('BadRequest', 400, `Marker '${filter.marker}' is not valid.`);
  const page = list.slice(start, start + filter.maxItems).map((fs) => describeFileSystem(world, fs));
  const end = start + filter.maxItems;
  return {
    FileSystems: page,
    ...(filter.marker ? { Marker: filter.marker } : {}),
    ...(end < list.length ? { NextMarker: String(end) } : {}),
  };
}

export function describeMountTargets(
  world: World,
  call: CallContext,
  filter: { fileSystemId?: string; mountTargetId?: string; accessPointId?: string; marker?: string; maxItems: number },
): Record<string, unknown> {
  const state = efsState(world, call.accountId, call.region);
  let list: EfsMountTarget[];
  if (filter.mountTargetId !== undefined) {
    const mt = state.mountTargets[filter.mountTargetId];
    if (!mt) throw new AwsError('MountTargetNotFound', 404, `Mount target '${filter.mountTargetId}' does not exist in account ${call.accountId}, region ${call.region}.`);
    list = [mt];
  } else if (filter.fileSystemId !== undefined) {
    const fs = lookup(world, call, filter.fileSystemId);
    list = fs.mountTargetIds.map((id) => state.mountTargets[id]).filter((m): m is EfsMountTarget => m !== undefined);
  } else if (filter.accessPointId !== undefined) {
    throw new AwsError('AccessPointNotFound', 404, `Access point '${filter.accessPointId}' does not exist (the sandbox does not emulate access points).`);
  } else {
    throw new AwsError('BadRequest', 400, 'DescribeMountTargets needs one of FileSystemId, MountTargetId or AccessPointId.');
  }
  const start = filter.marker ? Number.parseInt(filter.marker, 10) : 0;
  const page = list.slice(start, start + filter.maxItems).map((m) => ({
    OwnerId: m.ownerId,
    MountTargetId: m.mountTargetId,
    FileSystemId: m.fileSystemId,
    SubnetId: m.subnetId,
    LifeCycleState: m.lifeCycleState,
    IpAddress: m.ipAddress,
    NetworkInterfaceId: m.networkInterfaceId,
    AvailabilityZoneId: m.availabilityZoneId,
    AvailabilityZoneName: m.availabilityZoneName,
    VpcId: m.vpcId,
  }));
  const end = start + filter.maxItems;
  return { MountTargets: page, ...(filter.marker ? { Marker: filter.marker } : {}), ...(end < list.length ? { NextMarker: String(end) } : {}) };
}

export function updateFileSystemProtection(world: World, call: CallContext, ref: string, value: unknown): Record<string, unknown> {
  const fs = lookup(world, call, ref);
  if (value !== 'ENABLED' && value !== 'DISABLED' && value !== 'REPLICATING') {
    throw new AwsError('BadRequest', 400, `ReplicationOverwriteProtection must be ENABLED or DISABLED, not '${String(value)}'.`);
  }
  if (fs.lifeCycleState !== 'available') {
    throw new AwsError('IncorrectFileSystemLifeCycleState', 409, `File system ${fs.fileSystemId} is ${fs.lifeCycleState}, not available.`);
  }
  const inReplication = recordsForFileSystem(world, efsState(world, call.accountId, call.region), fs.fileSystemId)[0];
  if (inReplication) {
    const isDestination = inReplication.link.destination.fileSystemId === fs.fileSystemId;
    throw new AwsError(
      'ReplicationAlreadyExists',
      409,
      isDestination
        ? 'ReplicationOverwriteProtection cannot be changed while the file system is a replication destination.'
        : `ReplicationOverwriteProtection cannot be changed while file system ${fs.fileSystemId} is included in a replication configuration.`,
    );
  }
  if (value === 'REPLICATING') {
    throw new AwsError('BadRequest', 400, 'REPLICATING is set by EFS replication only; set ENABLED or DISABLED.');
  }
  fs.protection = value;
  return { ReplicationOverwriteProtection: fs.protection };
}
