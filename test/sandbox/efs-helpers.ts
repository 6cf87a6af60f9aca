/** Builders for EFS sandbox tests that need a replication without going through the SDK. */
import { createReplication } from '../../src/sandbox/services/efs/replication.js';
import type { World } from '../../src/sandbox/world.js';

/** Creates source → a new file system in `destinationRegion` (same account); returns the destination id. */
export function createReplicationForTest(
  world: World,
  source: { accountId: string; region: string; fileSystemId: string },
  destinationRegion: string,
): string {
  const call = { service: 'efs' as const, accountId: source.accountId, region: source.region, principalArn: 'test', requestId: 'test', now: world.now() };
  const created = createReplication(world, call, source.fileSystemId, [{ Region: destinationRegion }]) as { Destinations: Array<{ FileSystemId: string }> };
  return created.Destinations[0]?.FileSystemId ?? '';
}
