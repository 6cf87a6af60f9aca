/**
 * The healthy steady state of an `efs` resource: both file systems available, primary → secondary replication
 * ENABLED with a recent LastReplicatedTimestamp, primary protection ENABLED, secondary REPLICATING (read-only),
 * mount targets in the DR region's AZs (declared ones, or as many as `minAvailabilityZones`), and a small file
 * tree on the primary already replicated to the secondary.
 */
import type { EfsResource } from '../../runbook/resources/efs.js';
import { createFileSystem, createMountTarget } from '../services/efs/file-systems.js';
import { efsLinks, efsState, fileSystemArn, putRecord } from '../services/efs/model.js';
import { scheduledWatermark } from '../services/efs/replication-sync.js';
import type { World } from '../world.js';
import type { SeedContext } from './index.js';

const HOUR = 3_600_000;

export const SEED_FILES: Record<string, string> = {
  '/README.txt': 'Seeded by the drctl sandbox.\n',
  '/app/config.json': '{"feature":"on"}\n',
  '/data/orders-0001.csv': 'id,amount\n1,10\n2,20\n',
};

export function seedEfs(world: World, resource: EfsResource, context: SeedContext): void {
  const primaryAccount = context.account(resource.primary.account);
  const secondaryAccount = context.account(resource.secondary.account);
  const primary = { accountId: primaryAccount.accountId, region: resource.primary.region ?? primaryAccount.region };
  const secondary = { accountId: secondaryAccount.accountId, region: resource.secondary.region ?? secondaryAccount.region };
  const exists = (at: { accountId: string; region: string }, id: string) => efsState(world, at.accountId, at.region).fileSystems[id] !== undefined;
  if (exists(primary, resource.primary.fileSystemId) || exists(secondary, resource.secondary.fileSystemId)) return;

  const now = world.now();
  const created = now - 24 * HOUR;
  const source = createFileSystem(world, primary.accountId, primary.region, {
    fileSystemId: resource.primary.fileSystemId,
    name: `${context.name}-primary`,
    creationToken: `${context.name}-primary`,
  });
  const destination = createFileSystem(world, secondary.accountId, secondary.region, {
    fileSystemId: resource.secondary.fileSystemId,
    name: `${context.name}-secondary`,
    creationToken: `${context.name}-secondary`,
    protection: 'REPLICATING',
  });
  source.creationTime = created;
  destination.creationTime = created;

  for (const zone of zonesFor(secondary.region, resource)) createMountTarget(world, destination, zone);
  for (const zone of defaultZones(primary.region, 2)) createMountTarget(world, source, zone);

  const linkId = world.newId('link-', 12);
  const link = {
    linkId,
    source: { fileSystemId: source.fileSystemId, ...primary },
    destination: { fileSystemId: destination.fileSystemId, ...secondary },
    originalSourceFileSystemArn: fileSystemArn(source),
    creationTime: created,
    enabledAt: created + world.duration('efs.enabling'),
    initialSyncAt: created + world.duration('efs.enabling') + world.duration('efs.initialSync'),
    ...(resource.replication.roleArn ? { roleArn: resource.replication.roleArn } : {}),
  };
  const watermark = scheduledWatermark(world, link, now) ?? now;
  const filesTime = Math.min(watermark, now - 10 * 60_000);
  for (const [path, content] of Object.entries(SEED_FILES)) {
    source.files[path] = { content, mtime: filesTime };
    destination.files[path] = { content, mtime: filesTime };
  }
  const stored = { ...link, watermark };
  efsLinks(world)[linkId] = stored;
  putRecord(world, stored.source, stored, { linkId, side: 'source', status: 'ENABLED' });
  putRecord(world, stored.destination, stored, { linkId, side: 'destination', status: 'ENABLED' });
}

function zonesFor(region: string, resource: EfsResource): string[] {
  const declared = resource.mountTargets.availabilityZones;
  if (declared && declared.length > 0) return declared;
  return defaultZones(region, Math.max(2, resource.mountTargets.minAvailabilityZones));
}

function defaultZones(region: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}
