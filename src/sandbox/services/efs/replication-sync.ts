/**
 * EFS's time-driven behaviour:
 * - a file system created by replication goes creating → available;
 * - a configuration goes ENABLING → ENABLED, then its initial sync completes and LastReplicatedTimestamp advances
 *   once per sync interval while both sides are reachable (a region that is down freezes it);
 * - DELETING records disappear after the deleting duration. ALL_CONFIGURATIONS needs both regions up (it stays
 *   DELETING while the other side is down); LOCAL_CONFIGURATION_ONLY removes only the local record. When the
 *   destination's record goes, the destination becomes writable again (protection ENABLED).
 *
 * Cost model: the advance hook runs before every request, so it only processes *pending* work (links in a
 * transition, file systems being created). A steady link's watermark is a pure function of time while it stays
 * healthy, so it is materialised lazily by refreshLink() when read or changed — and for all links at once before
 * a fault or setting changes (World advance with `full`), because health may change at that instant.
 * Everything is computed from stored timestamps, so a clock jump or a restart lands in the same state.
 */
import { KNOWN_CONDITIONS } from '../../faults.js';
import type { AdvanceOptions, World } from '../../world.js';
import {
  dropRecord,
  efsGlobal,
  efsState,
  endpointFileSystem,
  type EfsFileSystem,
  type EfsRegionState,
  EFS,
  type FileEntry,
  type ReplicationEndpoint,
  type ReplicationLink,
  type ReplicationRecord,
} from './model.js';

export function advanceEfs(world: World, now: number, options: AdvanceOptions = { full: false }): void {
  const global = efsGlobal(world);
  for (const [key, at] of Object.entries(global.pendingFileSystems)) {
    const fs = endpointFileSystem(world, at);
    if (fs?.lifeCycleState === 'creating' && fs.availableAt !== undefined && now < fs.availableAt) continue;
    if (fs?.lifeCycleState === 'creating') {
      fs.lifeCycleState = 'available';
      delete fs.availableAt;
    }
    delete global.pendingFileSystems[key];
  }
  const ids = options.full ? Object.keys(global.links) : Object.keys(global.pendingLinks);
  for (const id of ids) {
    if (!options.full && now < (global.pendingLinks[id] ?? 0)) continue;
    const link = global.links[id];
    if (link) refreshLink(world, link, now);
    else delete global.pendingLinks[id];
  }
}

/** Marks a link as having time-driven work (after create or delete). */
export function markLinkPending(world: World, linkId: string): void {
  efsGlobal(world).pendingLinks[linkId] = 0;
}

/** Tracks a `creating` file system until it is available. */
export function markFileSystemPending(world: World, at: ReplicationEndpoint): void {
  efsGlobal(world).pendingFileSystems[`${at.accountId}/${at.region}/${at.fileSystemId}`] = at;
}

/** Brings one link (both records, the watermark and the replicated files) up to `now`. */
export function refreshLink(world: World, link: ReplicationLink, now: number): void {
  const global = efsGlobal(world);
  const sourceRecord = recordOf(world, link.source, link.linkId);
  const destinationRecord = recordOf(world, link.destination, link.linkId);
  progressStatus(link, sourceRecord, now);
  progressStatus(link, destinationRecord, now);
  syncData(world, link, sourceRecord, destinationRecord, now);
  finishDeletion(world, link, 'source', sourceRecord, destinationRecord, now);
  finishDeletion(world, link, 'destination', destinationRecord, sourceRecord, now);

  const source = recordOf(world, link.source, link.linkId);
  const destination = recordOf(world, link.destination, link.linkId);
  if (!source && !destination) {
    delete global.links[link.linkId];
    delete global.pendingLinks[link.linkId];
    return;
  }
  const next = nextChangeAt(world, link, source, destination);
  if (next === undefined) delete global.pendingLinks[link.linkId];
  else global.pendingLinks[link.linkId] = next;
}

/**
 * When this link's state can next change by itself; undefined when it is steady. A transition that is overdue but
 * blocked (a region down, a stuck deletion) returns a past time, so it is re-checked on every advance.
 */
function nextChangeAt(
  world: World,
  link: ReplicationLink,
  source: ReplicationRecord | undefined,
  destination: ReplicationRecord | undefined,
): number | undefined {
  const times: number[] = [];
  for (const record of [source, destination]) {
    if (record?.status === 'ENABLING') times.push(link.enabledAt);
    if (record?.status === 'DELETING') times.push((record.deletingSince ?? 0) + world.duration('efs.deleting'));
  }
  if (link.watermark === undefined && source && destination) times.push(link.initialSyncAt);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** Refreshes every link a file system takes part in, as seen from its own region (before reading or writing its files). */
export function refreshLinksOf(world: World, at: ReplicationEndpoint, now: number): void {
  const state = world.peekState<EfsRegionState>(EFS, at.accountId, at.region);
  if (!state) return;
  const links = efsGlobal(world).links;
  for (const record of Object.values(state.replications)) {
    const link = links[record.linkId];
    if (link && (link.source.fileSystemId === at.fileSystemId || link.destination.fileSystemId === at.fileSystemId)) refreshLink(world, link, now);
  }
}

function recordOf(world: World, endpoint: ReplicationEndpoint, linkId: string): ReplicationRecord | undefined {
  return world.peekState<EfsRegionState>(EFS, endpoint.accountId, endpoint.region)?.replications[linkId];
}

function progressStatus(link: ReplicationLink, record: ReplicationRecord | undefined, now: number): void {
  if (record?.status === 'ENABLING' && now >= link.enabledAt) record.status = 'ENABLED';
}

/** The last sync instant at or before `now` (undefined before the initial sync). */
export function scheduledWatermark(world: World, link: ReplicationLink, now: number): number | undefined {
  if (now < link.initialSyncAt) return undefined;
  const interval = Math.max(1, world.duration('efs.syncInterval'));
  const tick = link.initialSyncAt + Math.floor((now - link.initialSyncAt) / interval) * interval;
  return tick - world.duration('efs.syncLag');
}

function syncData(
  world: World,
  link: ReplicationLink,
  sourceRecord: ReplicationRecord | undefined,
  destinationRecord: ReplicationRecord | undefined,
  now: number,
): void {
  const healthy = (r: ReplicationRecord | undefined) => r !== undefined && r.status === 'ENABLED';
  if (!healthy(sourceRecord) || !healthy(destinationRecord)) return;
  if (world.faults.isRegionDown(link.source.region) || world.faults.isRegionDown(link.destination.region)) return;
  const target = scheduledWatermark(world, link, now);
  if (target === undefined || (link.watermark !== undefined && target <= link.watermark)) return;
  const source = endpointFileSystem(world, link.source);
  const destination = endpointFileSystem(world, link.destination);
  if (!source || !destination || destination.lifeCycleState !== 'available') return;
  copyFileChanges(source, destination, target, link.watermark === undefined);
  link.watermark = target;
}

function finishDeletion(
  world: World,
  link: ReplicationLink,
  side: 'source' | 'destination',
  record: ReplicationRecord | undefined,
  otherRecord: ReplicationRecord | undefined,
  now: number,
): void {
  if (record?.status !== 'DELETING' || record.deletingSince === undefined) return;
  if (now < record.deletingSince + world.duration('efs.deleting')) return;
  if (isStuck(world, link)) return;
  const here = link[side];
  const there = side === 'source' ? link.destination : link.source;
  if (world.faults.isRegionDown(here.region)) return;
  if (record.deletionMode === 'LOCAL_CONFIGURATION_ONLY' || !otherRecord) {
    removeRecord(world, link, side);
    return;
  }
  // ALL_CONFIGURATIONS: both records go together, once the other side can be reached.
  if (world.faults.isRegionDown(there.region)) return;
  removeRecord(world, link, 'source');
  removeRecord(world, link, 'destination');
}

function isStuck(world: World, link: ReplicationLink): boolean {
  const name = KNOWN_CONDITIONS.efsReplicationStuckDeleting;
  return (
    world.faults.hasCondition(name, link.source.fileSystemId) || world.faults.hasCondition(name, link.destination.fileSystemId)
  );
}

function removeRecord(world: World, link: ReplicationLink, side: 'source' | 'destination'): void {
  const endpoint = link[side];
  const state = efsState(world, endpoint.accountId, endpoint.region);
  if (!state.replications[link.linkId]) return;
  dropRecord(world, endpoint, link);
  if (side === 'destination') {
    const fs = state.fileSystems[endpoint.fileSystemId];
    if (fs && fs.protection === 'REPLICATING') fs.protection = 'ENABLED';
  }
}

/**
 * Carries source changes with mtime ≤ upTo to the destination. `full` (the initial sync) also removes destination
 * files the source does not have, so the destination matches the source as EFS does for an existing destination.
 */
export function copyFileChanges(source: EfsFileSystem, destination: EfsFileSystem, upTo: number, full: boolean): number {
  let copied = 0;
  for (const [path, entry] of Object.entries(source.files)) {
    if (entry.mtime > upTo) continue;
    const current = destination.files[path];
    if (current && current.mtime === entry.mtime && current.content === entry.content && current.deleted === entry.deleted) continue;
    destination.files[path] = { ...entry } as FileEntry;
    copied += 1;
  }
  if (full) {
    for (const path of Object.keys(destination.files)) {
      if (!(path in source.files)) {
        delete destination.files[path];
        copied += 1;
      }
    }
  }
  return copied;
}
