/**
 * Create / Delete / DescribeReplicationConfigurations with the rules EFS enforces (aws-reference.md §1.2–§1.4,
 * §1.8): one configuration per file system, a destination cannot be a source, an existing destination must have
 * protection DISABLED (it becomes REPLICATING), cross-account needs a RoleArn and the destination by ARN, and
 * LOCAL_CONFIGURATION_ONLY is refused for same-account same-region configurations.
 */
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../types.js';
import type { World } from '../../world.js';
import {
  efsLinks,
  efsState,
  endpointArn,
  endpointFileSystem,
  endpointRecord,
  type DeletionMode,
  type EfsFileSystem,
  type EfsRegionState,
  fileSystemArn,
  parseFileSystemRef,
  putRecord,
  recordsForFileSystem,
  type ReplicationEndpoint,
  type ReplicationLink,
  type ReplicationRecord,
} from './model.js';
import { createFileSystem } from './file-systems.js';
import { markLinkPending, refreshLink } from './replication-sync.js';

const REGION = /^[a-z]{2}-((iso[a-z]?-)|(gov-))?[a-z]+-?[0-9]?$/;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::(\d{12}):role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export interface DestinationInput {
  Region?: string;
  FileSystemId?: string;
  RoleArn?: string;
  AvailabilityZoneName?: string;
  KmsKeyId?: string;
}

const badRequest = (message: string) => new AwsError('BadRequest', 400, message);

export function fileSystemNotFound(fileSystemId: string, call: { accountId: string; region: string }): AwsError {
  return new AwsError('FileSystemNotFound', 404, `File system '${fileSystemId}' does not exist in account ${call.accountId}, region ${call.region}.`);
}

export function createReplication(world: World, call: CallContext, sourceRef: string, destinations: unknown): Record<string, unknown> {
  const state = efsState(world, call.accountId, call.region);
  const parsedSource = parseFileSystemRef(sourceRef);
  const source = parsedSource ? state.fileSystems[parsedSource.fileSystemId] : undefined;
  if (!parsedSource || !source) throw fileSystemNotFound(sourceRef, call);
  if (!Array.isArray(destinations) || destinations.length !== 1) {
    throw new AwsError('ValidationException', 400, 'Destinations must contain exactly one destination.');
  }
  const input = (destinations[0] ?? {}) as DestinationInput;
  assertNotReplicating(world, state, source, 'source');
  if (source.lifeCycleState !== 'available') {
    throw new AwsError('IncorrectFileSystemLifeCycleState', 409, `Source file system ${source.fileSystemId} is ${source.lifeCycleState}, not available.`);
  }

  const destination = resolveDestination(world, call, source, input);
  const now = call.now;
  const link: ReplicationLink = {
    linkId: world.newId('link-', 12),
    source: { fileSystemId: source.fileSystemId, accountId: call.accountId, region: call.region },
    destination: { fileSystemId: destination.fileSystemId, accountId: destination.ownerId, region: destination.region },
    originalSourceFileSystemArn: fileSystemArn(source),
    creationTime: now,
    enabledAt: now + world.duration('efs.enabling'),
    initialSyncAt: now + world.duration('efs.enabling') + world.duration('efs.initialSync'),
    ...(input.RoleArn ? { roleArn: input.RoleArn } : {}),
  };
  efsLinks(world)[link.linkId] = link;
  markLinkPending(world, link.linkId);
  putRecord(world, link.source, link, { linkId: link.linkId, side: 'source', status: 'ENABLING' });
  putRecord(world, link.destination, link, { linkId: link.linkId, side: 'destination', status: 'ENABLING' });
  destination.protection = 'REPLICATING';
  return describeLink(link, state.replications[link.linkId] as ReplicationRecord);
}

function resolveDestination(world: World, call: CallContext, source: EfsFileSystem, input: DestinationInput): EfsFileSystem {
  if (input.Region !== undefined && !REGION.test(input.Region)) {
    throw new AwsError('ValidationException', 400, `Region '${input.Region}' is not a valid AWS Region name.`);
  }
  const ref = input.FileSystemId ? parseFileSystemRef(input.FileSystemId) : undefined;
  if (input.FileSystemId && !ref) throw badRequest(`Destination FileSystemId '${input.FileSystemId}' is not a file system id or ARN.`);
  if (ref?.region && input.Region && ref.region !== input.Region) {
    throw badRequest(`Destination ARN region ${ref.region} does not match Region ${input.Region}.`);
  }
  const accountId = ref?.accountId ?? call.accountId;
  const region = ref?.region ?? input.Region ?? call.region;
  if (accountId !== call.accountId && !input.RoleArn) {
    throw badRequest('No RoleArn provided.  RoleArn is required for cross-account replication.');
  }
  if (input.RoleArn !== undefined) {
    const roleAccount = ROLE_ARN.exec(input.RoleArn)?.[1];
    if (!roleAccount) throw badRequest(`RoleArn '${input.RoleArn}' is not a valid IAM role ARN.`);
    if (roleAccount !== call.accountId) {
      throw badRequest(`RoleArn ${input.RoleArn} must be a role in the source account ${call.accountId}.`);
    }
  }
  if (world.faults.isRegionDown(region)) {
    throw new AwsError('DependencyTimeout', 504, `The destination region ${region} did not respond; try again later.`);
  }
  if (!ref) {
    return createFileSystem(world, accountId, region, {
      creationToken: `replica-of-${source.fileSystemId}`,
      name: source.name ? `${source.name}-replica` : undefined,
      performanceMode: source.performanceMode,
      protection: 'REPLICATING',
      creating: true,
      ...(input.AvailabilityZoneName ? { availabilityZoneName: input.AvailabilityZoneName } : {}),
      ...(input.KmsKeyId ? { kmsKeyId: input.KmsKeyId } : {}),
    });
  }
  const destinationState = efsState(world, accountId, region);
  const destination = destinationState.fileSystems[ref.fileSystemId];
  if (!destination) throw fileSystemNotFound(input.FileSystemId ?? ref.fileSystemId, { accountId, region });
  if (destination.fileSystemId === source.fileSystemId) throw badRequest('The destination file system cannot be the source file system.');
  assertNotReplicating(world, destinationState, destination, 'destination');
  if (destination.lifeCycleState !== 'available') {
    throw new AwsError('IncorrectFileSystemLifeCycleState', 409, `Destination file system ${destination.fileSystemId} is ${destination.lifeCycleState}, not available.`);
  }
  if (destination.protection !== 'DISABLED') {
    throw badRequest(
      `Destination file system ${destination.fileSystemId} has replication overwrite protection ${destination.protection}; ` +
        'set it to DISABLED with UpdateFileSystemProtection before replicating into it.',
    );
  }
  return destination;
}

function assertNotReplicating(world: World, state: EfsRegionState, fs: EfsFileSystem, role: 'source' | 'destination'): void {
  const existing = recordsForFileSystem(world, state, fs.fileSystemId)[0];
  if (!existing) return;
  const as = existing.link.source.fileSystemId === fs.fileSystemId ? 'the source' : 'the destination';
  throw badRequest(
    `File system ${fs.fileSystemId} cannot be the ${role} of a new replication: it is already ${as} of a replication ` +
      `configuration (${existing.link.source.fileSystemId} → ${existing.link.destination.fileSystemId}, ${existing.record.status}).`,
  );
}

export function deleteReplication(world: World, call: CallContext, fileSystemRef: string, mode: string | undefined): void {
  const deletionMode = (mode ?? 'ALL_CONFIGURATIONS') as DeletionMode;
  if (deletionMode !== 'ALL_CONFIGURATIONS' && deletionMode !== 'LOCAL_CONFIGURATION_ONLY') {
    throw new AwsError('ValidationException', 400, `deletionMode '${mode}' must be ALL_CONFIGURATIONS or LOCAL_CONFIGURATION_ONLY.`);
  }
  const state = efsState(world, call.accountId, call.region);
  const found = findLocalRecord(world, call, state, fileSystemRef);
  const { link, record } = found;
  // Materialise the replication up to now: a deletion freezes LastReplicatedTimestamp where it is.
  refreshLink(world, link, call.now);
  const sameAccountAndRegion =
    link.source.accountId === link.destination.accountId && link.source.region === link.destination.region;
  if (deletionMode === 'LOCAL_CONFIGURATION_ONLY' && sameAccountAndRegion) {
    throw badRequest('LOCAL_CONFIGURATION_ONLY cannot be used for a replication within one account and Region; use ALL_CONFIGURATIONS.');
  }
  if (record.status !== 'DELETING') {
    record.status = 'DELETING';
    record.deletingSince = call.now;
  }
  record.deletionMode = deletionMode;
  if (deletionMode === 'ALL_CONFIGURATIONS') {
    const other = record.side === 'source' ? link.destination : link.source;
    const otherRecord = endpointRecord(world, other, link.linkId);
    if (otherRecord && otherRecord.status !== 'DELETING' && !world.faults.isRegionDown(other.region)) {
      otherRecord.status = 'DELETING';
      otherRecord.deletingSince = call.now;
      otherRecord.deletionMode = 'ALL_CONFIGURATIONS';
    }
  }
  markLinkPending(world, link.linkId);
}

/** The local record for a file system named by id or ARN (as source or destination); EFS's not-found errors otherwise. */
function findLocalRecord(world: World, call: CallContext, state: EfsRegionState, ref: string): { link: ReplicationLink; record: ReplicationRecord } {
  const parsed = parseFileSystemRef(ref);
  if (!parsed) throw new AwsError('ValidationException', 400, `'${ref}' is not a file system id or ARN.`);
  const found = recordsForFileSystem(world, state, parsed.fileSystemId)[0];
  if (found) return found;
  if (!state.fileSystems[parsed.fileSystemId]) throw fileSystemNotFound(ref, call);
  throw replicationNotFound(parsed.fileSystemId, call);
}

function replicationNotFound(fileSystemId: string, call: { accountId: string; region: string }): AwsError {
  return new AwsError(
    'ReplicationNotFound',
    404,
    `No replication configuration found for file system ${fileSystemId} in account ${call.accountId}, region ${call.region}.`,
  );
}

export function describeReplications(
  world: World,
  call: CallContext,
  fileSystemRef: string | undefined,
  maxResults: number,
  nextToken: string | undefined,
): { Replications: Array<Record<string, unknown>>; NextToken?: string } {
  const state = efsState(world, call.accountId, call.region);
  const links = efsLinks(world);
  let matching: Array<{ record: ReplicationRecord; link: ReplicationLink }>;
  if (fileSystemRef !== undefined) {
    const parsed = parseFileSystemRef(fileSystemRef);
    if (!parsed) throw new AwsError('ValidationException', 400, `'${fileSystemRef}' is not a file system id or ARN.`);
    matching = recordsForFileSystem(world, state, parsed.fileSystemId);
    if (matching.length === 0) {
      if (!state.fileSystems[parsed.fileSystemId]) throw fileSystemNotFound(fileSystemRef, call);
      throw replicationNotFound(parsed.fileSystemId, call);
    }
  } else {
    matching = Object.values(state.replications)
      .map((record) => ({ record, link: links[record.linkId] }))
      .filter((x): x is { record: ReplicationRecord; link: ReplicationLink } => x.link !== undefined);
  }
  for (const { link } of matching) refreshLink(world, link, call.now);
  matching = matching.filter(({ record }) => state.replications[record.linkId] === record);
  if (fileSystemRef !== undefined && matching.length === 0) throw replicationNotFound(fileSystemRef, call);
  matching.sort((a, b) => a.link.creationTime - b.link.creationTime || a.link.linkId.localeCompare(b.link.linkId));
  const start = nextToken ? Number.parseInt(nextToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsError('ValidationException', 400, `NextToken '${nextToken}' is not valid.`);
  const page = matching.slice(start, start + maxResults).map(({ link, record }) => describeLink(link, record));
  const end = start + maxResults;
  return end < matching.length ? { Replications: page, NextToken: String(end) } : { Replications: page };
}

/** The ReplicationConfigurationDescription a region returns for its record (times in epoch seconds). */
export function describeLink(link: ReplicationLink, record: ReplicationRecord): Record<string, unknown> {
  const destination: Record<string, unknown> = {
    Status: record.status,
    FileSystemId: link.destination.fileSystemId,
    Region: link.destination.region,
    OwnerId: link.destination.accountId,
  };
  if (link.watermark !== undefined) destination['LastReplicatedTimestamp'] = link.watermark / 1000;
  if (link.roleArn) destination['RoleArn'] = link.roleArn;
  return {
    SourceFileSystemId: link.source.fileSystemId,
    SourceFileSystemRegion: link.source.region,
    SourceFileSystemArn: endpointArn(link.source),
    SourceFileSystemOwnerId: link.source.accountId,
    OriginalSourceFileSystemArn: link.originalSourceFileSystemArn,
    CreationTime: link.creationTime / 1000,
    Destinations: [destination],
  };
}

export function endpointOf(fs: EfsFileSystem): ReplicationEndpoint {
  return { fileSystemId: fs.fileSystemId, accountId: fs.ownerId, region: fs.region };
}

export { endpointFileSystem };
