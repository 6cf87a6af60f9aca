/**
 * CloudWatch `AWS/EFS TimeSinceLastSync` computed from the replication model: at time t the value is
 * t − LastReplicatedTimestamp(t). The past is reconstructed from the sync schedule, so a replication that is
 * frozen now (a region down) shows a growing value; a stall that has since recovered is not remembered.
 */
import type { World } from '../../world.js';
import { efsLinks, efsState, type ReplicationLink } from './model.js';
import { refreshLink, scheduledWatermark } from './replication-sync.js';

export interface MetricSeries {
  /** Epoch ms of each period start, newest first (CloudWatch's default TimestampDescending). */
  timestamps: number[];
  values: number[];
}

export type Statistic = 'Maximum' | 'Minimum' | 'Average' | 'SampleCount' | 'Sum';

/** The link a region can see (through its own record) for a source/destination pair. */
export function findVisibleLink(
  world: World,
  accountId: string,
  region: string,
  sourceFileSystemId: string,
  destinationFileSystemId: string | undefined,
): ReplicationLink | undefined {
  const state = efsState(world, accountId, region);
  const links = efsLinks(world);
  for (const record of Object.values(state.replications)) {
    const link = links[record.linkId];
    if (!link || link.source.fileSystemId !== sourceFileSystemId) continue;
    if (destinationFileSystemId !== undefined && link.destination.fileSystemId !== destinationFileSystemId) continue;
    refreshLink(world, link, world.now());
    return link;
  }
  return undefined;
}

/** Seconds since the last sync at instant t, or undefined before the initial sync completed. */
export function timeSinceLastSyncAt(world: World, link: ReplicationLink, t: number): number | undefined {
  if (link.watermark === undefined) return undefined;
  const scheduled = scheduledWatermark(world, link, t);
  if (scheduled === undefined) return undefined;
  const lastSync = Math.min(scheduled, link.watermark);
  return Math.max(0, (t - lastSync) / 1000);
}

export function timeSinceLastSyncSeries(
  world: World,
  link: ReplicationLink,
  startMs: number,
  endMs: number,
  periodSeconds: number,
  stat: Statistic,
): MetricSeries {
  const now = world.now();
  const period = Math.max(1, periodSeconds) * 1000;
  const first = Math.floor(startMs / period) * period;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let bucket = first; bucket < Math.min(endMs, now) && timestamps.length < 1440; bucket += period) {
    const samples: number[] = [];
    const last = Math.min(bucket + period, now);
    const step = Math.max(1, Math.floor((last - bucket) / 30));
    for (let t = bucket; t <= last; t += step) {
      const value = timeSinceLastSyncAt(world, link, t);
      if (value !== undefined) samples.push(value);
    }
    if (samples.length === 0) continue;
    timestamps.push(bucket);
    values.push(aggregate(samples, stat));
  }
  return { timestamps: timestamps.reverse(), values: values.reverse() };
}

function aggregate(samples: number[], stat: Statistic): number {
  switch (stat) {
    case 'Minimum':
      return Math.min(...samples);
    case 'Average':
      return samples.reduce((a, b) => a + b, 0) / samples.length;
    case 'SampleCount':
      return samples.length;
    case 'Sum':
      return samples.reduce((a, b) => a + b, 0);
    default:
      return Math.max(...samples);
  }
}
