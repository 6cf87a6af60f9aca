/**
 * The healthy steady state of an `fsx-lustre` resource (the seed architecture: a Lustre file system and a bucket
 * per side, two-way bucket replication):
 *
 * - every declared bucket, versioned, with drctl's replication rules in both directions (built by the same pure
 *   functions as the s3.* step kinds, so a drill finds no drift);
 * - the primary file system AVAILABLE with its associations AVAILABLE, and a few files under each linked path that
 *   were exported an hour ago and replicated since;
 * - the secondary likewise, its files imported from its bucket — unless it is a pilot light (`create` given and
 *   no `fileSystemId`): then no DR file system exists yet, only its buckets.
 */
import type { FsxLustreResource, LustreSide } from '../../runbook/resources/fsx-lustre.js';
import { bucketPairs } from '../../steps/s3-common.js';
import { createAvailableLustre, createLinkedAssociation, exportAllNow, findLustre, importAllNow, placeLustreFile } from '../services/fsx/index.js';
import { ensureBucket, findBucket } from '../services/s3/index.js';
import type { World } from '../world.js';
import type { SeedContext } from './index.js';
import { seedBeforeOutages, seedBucketPair, sideTargets } from './s3.js';

const HOUR = 3_600_000;

/** Files written on the primary under each linked path, relative to it. */
export const SEED_LUSTRE_FILES: Record<string, string> = {
  'README.txt': 'Seeded by the drctl sandbox.\n',
  'results/run-0001.csv': 'step,loss\n1,0.93\n2,0.71\n',
  'config/job.json': '{"nodes":4}\n',
};

function createSide(world: World, side: LustreSide, at: { accountId: string; region: string }, createdAt: number) {
  const create = side.create;
  const fs = createAvailableLustre(world, {
    accountId: at.accountId,
    region: at.region,
    ...(side.fileSystemId ? { fileSystemId: side.fileSystemId } : {}),
    ...(create
      ? {
          deploymentType: create.deploymentType,
          storageCapacity: create.storageCapacity,
          perUnitStorageThroughput: create.perUnitStorageThroughput,
          fileSystemTypeVersion: create.fileSystemTypeVersion,
          subnetId: create.subnetId,
        }
      : {}),
    at: createdAt,
  });
  for (const association of side.associations) {
    const bucketRegion = association.region ?? at.region;
    ensureBucket(world, { accountId: at.accountId, region: bucketRegion, name: association.bucket, versioning: 'Enabled' });
    createLinkedAssociation(world, fs, {
      fileSystemPath: association.fileSystemPath,
      bucket: association.bucket,
      prefix: association.prefix,
      autoImport: association.autoImport,
      autoExport: association.autoExport,
      at: createdAt,
    });
  }
  return fs;
}

export function seedFsxLustre(world: World, resource: FsxLustreResource, context: SeedContext): void {
  const targets = sideTargets(resource, context);
  const primary = targets('primary');
  const secondary = targets('secondary');
  const exists = (side: LustreSide, at: { accountId: string; region: string }) => side.fileSystemId !== undefined && findLustre(world, at.accountId, at.region, side.fileSystemId) !== undefined;
  const firstBucket = resource.primary.associations[0]?.bucket;
  if (exists(resource.primary, primary) || exists(resource.secondary, secondary) || (firstBucket && findBucket(world, firstBucket))) return;

  seedBeforeOutages(world, () => seedSteadyState(world, resource, context));
}

function seedSteadyState(world: World, resource: FsxLustreResource, context: SeedContext): void {
  const targets = sideTargets(resource, context);
  const primary = targets('primary');
  const secondary = targets('secondary');
  const now = world.now();
  const created = now - 2 * HOUR;
  const written = now - HOUR;
  for (const pair of bucketPairs(resource, targets)) seedBucketPair(world, pair, true, created);

  const primaryFs = createSide(world, resource.primary, primary, created);
  const pilotLight = resource.secondary.create !== undefined && resource.secondary.fileSystemId === undefined;
  const secondaryFs = pilotLight ? undefined : createSide(world, resource.secondary, secondary, created);

  for (const association of resource.primary.associations) {
    const base = association.fileSystemPath.replace(/\/+$/, '');
    for (const [name, content] of Object.entries(SEED_LUSTRE_FILES)) placeLustreFile(primaryFs, `${base}/${name}`, content, written);
  }
  exportAllNow(world, primaryFs, written);
  // An hour of live replication: the objects reach the secondary buckets...
  world.advance(now);
  // ...and the DR file system has them whether or not its auto-import is on.
  if (secondaryFs) importAllNow(world, secondaryFs, written + world.duration('s3.replicationLag') + world.duration('fsx.autoImportLag'));
}
