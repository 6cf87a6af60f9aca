/**
 * EFS state in the World. Each account+region has its file systems, mount targets and *its own records* of
 * replication configurations: a region sees a configuration only through its record, exactly like EFS (a source
 * region and a destination region each hold one). The two records of one configuration share a `link` (timing and
 * the replication watermark), kept once per world, so both sides always agree on progress.
 */
import type { World } from '../../world.js';
import { defineSettings } from '../../world.js';

export const EFS = 'efs';
const LINKS = 'efs.links';
const GLOBAL = '*';

defineSettings({
  'efs.fileSystemCreating': { ms: 1000, description: 'A file system created by replication: creating → available.' },
  'efs.enabling': { ms: 2000, description: 'Replication ENABLING → ENABLED.' },
  'efs.initialSync': { ms: 1000, description: 'ENABLED → initial sync finished (LastReplicatedTimestamp appears).' },
  'efs.syncInterval': { ms: 1000, description: 'Time between replication syncs after the initial sync.' },
  'efs.syncLag': { ms: 0, description: 'Each sync carries source changes older than this lag (TimeSinceLastSync ≥ lag).' },
  'efs.deleting': { ms: 2000, description: 'Replication DELETING → gone.' },
  'efs.disabledIsReadOnly': {
    ms: 0,
    description: 'Flag (0/1): a file system with protection DISABLED refuses writes (the API reference says so; the user guide does not).',
  },
});

export type LifeCycleState = 'creating' | 'available' | 'updating' | 'deleting' | 'deleted' | 'error';
export type Protection = 'ENABLED' | 'DISABLED' | 'REPLICATING';
export type ReplicationStatus = 'ENABLING' | 'ENABLED' | 'DELETING' | 'ERROR' | 'PAUSED' | 'PAUSING';
export type DeletionMode = 'ALL_CONFIGURATIONS' | 'LOCAL_CONFIGURATION_ONLY';

/** One file in a file system's tree. A tombstone records a deletion so replication can carry it. */
export interface FileEntry {
  content: string;
  /** Epoch ms of the last write (or deletion, for tombstones). */
  mtime: number;
  deleted?: true;
}

export interface EfsFileSystem {
  fileSystemId: string;
  ownerId: string;
  region: string;
  creationToken: string;
  creationTime: number;
  lifeCycleState: LifeCycleState;
  /** When a `creating` file system becomes available (epoch ms). */
  availableAt?: number;
  name?: string;
  performanceMode: 'generalPurpose' | 'maxIO';
  throughputMode: 'bursting' | 'provisioned' | 'elastic';
  encrypted: boolean;
  kmsKeyId?: string;
  availabilityZoneName?: string;
  protection: Protection;
  tags: Array<{ Key: string; Value: string }>;
  /** Ids of this file system's mount targets (in the same account and region). */
  mountTargetIds: string[];
  files: Record<string, FileEntry>;
}

export interface EfsMountTarget {
  mountTargetId: string;
  fileSystemId: string;
  ownerId: string;
  subnetId: string;
  vpcId: string;
  availabilityZoneName: string;
  availabilityZoneId: string;
  ipAddress: string;
  networkInterfaceId: string;
  lifeCycleState: LifeCycleState;
}

/** A region's record of a replication configuration (one per side). */
export interface ReplicationRecord {
  linkId: string;
  side: 'source' | 'destination';
  status: ReplicationStatus;
  deletingSince?: number;
  deletionMode?: DeletionMode;
}

export interface ReplicationEndpoint {
  fileSystemId: string;
  accountId: string;
  region: string;
}

/** What both sides share: who replicates to whom, since when, and how far data has been carried. */
export interface ReplicationLink {
  linkId: string;
  source: ReplicationEndpoint;
  destination: ReplicationEndpoint;
  originalSourceFileSystemArn: string;
  roleArn?: string;
  creationTime: number;
  enabledAt: number;
  initialSyncAt: number;
  /** Every source change at or before this instant is on the destination (LastReplicatedTimestamp). */
  watermark?: number;
}

export interface EfsRegionState {
  fileSystems: Record<string, EfsFileSystem>;
  mountTargets: Record<string, EfsMountTarget>;
  /** By link id. */
  replications: Record<string, ReplicationRecord>;
  /** Index: file system id → ids of the local records whose link names it (as source or destination). */
  recordsByFileSystem?: Record<string, string[]>;
}

export function efsState(world: World, accountId: string, region: string): EfsRegionState {
  return world.state<EfsRegionState>(EFS, accountId, region, () => ({ fileSystems: {}, mountTargets: {}, replications: {} }));
}

/**
 * World-wide EFS bookkeeping: the links, and an index of what still has time-driven work (links ENABLING,
 * DELETING or before their initial sync; file systems `creating`), so the per-request advance hook touches only
 * those. Steady links are brought up to date lazily (refreshLink) when something reads or changes them.
 */
export interface EfsGlobalState {
  links: Record<string, ReplicationLink>;
  /** Link id → the earliest time its state can change (0: check on every advance). */
  pendingLinks: Record<string, number>;
  pendingFileSystems: Record<string, ReplicationEndpoint>;
}

export function efsGlobal(world: World): EfsGlobalState {
  return world.state<EfsGlobalState>(LINKS, GLOBAL, GLOBAL, () => ({ links: {}, pendingLinks: {}, pendingFileSystems: {} }));
}

export function efsLinks(world: World): Record<string, ReplicationLink> {
  return efsGlobal(world).links;
}

export function fileSystemArn(fs: Pick<EfsFileSystem, 'region' | 'ownerId' | 'fileSystemId'>): string {
  return `arn:aws:elasticfilesystem:${fs.region}:${fs.ownerId}:file-system/${fs.fileSystemId}`;
}

export function endpointArn(endpoint: ReplicationEndpoint): string {
  return `arn:aws:elasticfilesystem:${endpoint.region}:${endpoint.accountId}:file-system/${endpoint.fileSystemId}`;
}

const FS_ARN = /^arn:aws[a-z-]*:elasticfilesystem:([a-z0-9-]+):(\d{12}):file-system\/(fs-[0-9a-f]{8,40})$/;
const FS_ID = /^fs-[0-9a-f]{8,40}$/;

/** Parses an id or ARN. An id alone says nothing about account/region (the caller's are implied). */
export function parseFileSystemRef(ref: string): { fileSystemId: string; accountId?: string; region?: string } | undefined {
  const arn = FS_ARN.exec(ref);
  if (arn) return { region: arn[1] ?? '', accountId: arn[2] ?? '', fileSystemId: arn[3] ?? '' };
  return FS_ID.test(ref) ? { fileSystemId: ref } : undefined;
}

/** The file system an endpoint names, if its account/region state and the file system exist. */
export function endpointFileSystem(world: World, endpoint: ReplicationEndpoint): EfsFileSystem | undefined {
  return world.peekState<EfsRegionState>(EFS, endpoint.accountId, endpoint.region)?.fileSystems[endpoint.fileSystemId];
}

/** The record of `linkId` held by an endpoint's region, if any. */
export function endpointRecord(world: World, endpoint: ReplicationEndpoint, linkId: string): ReplicationRecord | undefined {
  return world.peekState<EfsRegionState>(EFS, endpoint.accountId, endpoint.region)?.replications[linkId];
}

/** Local records that involve a file system (as source or destination). */
export function recordsForFileSystem(
  world: World,
  state: EfsRegionState,
  fileSystemId: string,
): Array<{ record: ReplicationRecord; link: ReplicationLink }> {
  const links = efsLinks(world);
  const out: Array<{ record: ReplicationRecord; link: ReplicationLink }> = [];
  for (const linkId of recordIndex(world, state)[fileSystemId] ?? []) {
    const record = state.replications[linkId];
    const link = links[linkId];
    if (record && link) out.push({ record, link });
  }
  return out;
}

/** Adds a region's record of a link (keeping the file system index). */
export function putRecord(world: World, endpoint: ReplicationEndpoint, link: ReplicationLink, record: ReplicationRecord): void {
  const state = efsState(world, endpoint.accountId, endpoint.region);
  state.replications[link.linkId] = record;
  const index = recordIndex(world, state);
  for (const id of new Set([link.source.fileSystemId, link.destination.fileSystemId])) {
    const ids = (index[id] ??= []);
    if (!ids.includes(link.linkId)) ids.push(link.linkId);
  }
}

/** Removes a region's record of a link (keeping the file system index). */
export function dropRecord(world: World, endpoint: ReplicationEndpoint, link: ReplicationLink): void {
  const state = efsState(world, endpoint.accountId, endpoint.region);
  delete state.replications[link.linkId];
  const index = recordIndex(world, state);
  for (const id of [link.source.fileSystemId, link.destination.fileSystemId]) {
    const remaining = (index[id] ?? []).filter((linkId) => linkId !== link.linkId);
    if (remaining.length > 0) index[id] = remaining;
    else delete index[id];
  }
}

function recordIndex(world: World, state: EfsRegionState): Record<string, string[]> {
  if (state.recordsByFileSystem) return state.recordsByFileSystem;
  const index: Record<string, string[]> = {};
  const links = efsLinks(world);
  for (const linkId of Object.keys(state.replications)) {
    const link = links[linkId];
    if (!link) continue;
    for (const id of new Set([link.source.fileSystemId, link.destination.fileSystemId])) (index[id] ??= []).push(linkId);
  }
  state.recordsByFileSystem = index;
  return index;
}
