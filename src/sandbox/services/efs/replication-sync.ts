/**
 * EFS's time-driven behaviour, run lazily before each request (World advance hook):
 * - a file system created by replication goes creating → available;
 * - a configuration goes ENABLING → ENABLED, then its initial sync completes and LastReplicatedTimestamp advances
 *   once per sync interval while both sides are reachable (a region that is down freezes it);
 * - DELETING records disappear after the deleting duration. ALL_CONFIGURATIONS needs both regions up (it stays
 *   DELETING while the other side is down); LOCAL_CONFIGURATION_ONLY removes only the local record. When the
 *   destination's record goes, the destination becomes writable again (protection ENABLED).
 * Everything is computed from stored timestamps, so a jump of the clock (or a restart) lands in the same state.
 */
import { KNOWN_CONDITIONS } from '../../faults.js';
import type { World } from '../../world.js';
import { copyFileChanges } from './files.js';
import {
  efsLinks,
  efsState,
  endpointFileSystem,
  type EfsRegionState,
  EFS,
  type ReplicationEndpoint,
  type ReplicationLink,
  type ReplicationRecord,
} from './model.js';

export function advanceEfs(world: World, now: number): void {
  for (const { state } of world.states<EfsRegionState>(EFS)) {
    for (const fs of Object.values(state.fileSystems)) {
      if (fs.lifeCycleState === 'creating' && fs.availableAt !== undefined && now >= fs.availableAt) {
        fs.lifeCycleState = 'available';
        delete fs.availableAt;
      }
    }
  }
  const links = efsLinks(world);
  for (const link of Object.values(links)) {
    const sourceRecord = recordOf(world, link.source, link.linkId);
    const destinationRecord = recordOf(world, link.destination, link.linkId);
    progressStatus(link, sourceRecord, now);
    progressStatus(link, destinationRecord, now);
    syncData(world, link, sourceRecord, destinationRecord, now);
    finishDeletion(world, link, 'source', sourceRecord, destinationRecord, now);
    finishDeletion(world, link, 'destination', destinationRecord, sourceRecord, now);
    if (!recordOf(world, link.source, link.linkId) && !recordOf(world, link.destination, link.linkId)) delete links[link.linkId];
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
  delete state.replications[link.linkId];
  if (side === 'destination') {
    const fs = state.fileSystems[endpoint.fileSystemId];
    if (fs && fs.protection === 'REPLICATING') fs.protection = 'ENABLED';
  }
}
