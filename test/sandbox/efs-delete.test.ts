import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeReplicationConfigurationsCommand,
  FileSystemNotFound,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
import { beforeEach, describe, expect, it } from 'vitest';
import { KNOWN_CONDITIONS } from '../../src/sandbox/faults.js';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { ACCOUNT_A, errorOf, makeCoreKit, REGION_A, REGION_B, type CoreKit } from './kit.js';

async function statusOf(efs: EFSClient, fileSystemId: string): Promise<string> {
  try {
    const out = await efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }));
    return out.Replications?.[0]?.Destinations?.[0]?.Status ?? 'none';
  } catch (error) {
    return (error as Error).name;
  }
}

async function protectionOf(efs: EFSClient, fileSystemId: string): Promise<string | undefined> {
  const out = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }));
  return out.FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection;
}

describe('sandbox EFS DeleteReplicationConfiguration', () => {
  let kit: CoreKit;
  let efsA: EFSClient;
  let efsB: EFSClient;
  let primaryId: string;
  let replicaId: string;

  beforeEach(async () => {
    kit = makeCoreKit();
    efsA = kit.efs(ACCOUNT_A, REGION_A);
    efsB = kit.efs(ACCOUNT_A, REGION_B);
    primaryId = createFileSystem(kit.world, ACCOUNT_A, REGION_A, { name: 'primary' }).fileSystemId;
    const created = await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: primaryId, Destinations: [{ Region: REGION_B }] }));
    replicaId = created.Destinations?.[0]?.FileSystemId ?? '';
    kit.clock.advance(10_000);
  });

  it('ALL_CONFIGURATIONS from the source: both records DELETING, then gone; the replica becomes writable (ENABLED)', async () => {
    const out = await efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(await statusOf(efsA, primaryId)).toBe('DELETING');
    expect(await statusOf(efsB, replicaId)).toBe('DELETING');
    expect(await protectionOf(efsB, replicaId)).toBe('REPLICATING');
    kit.clock.advance(2000);
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');
    expect(await statusOf(efsB, replicaId)).toBe('ReplicationNotFound');
    expect(await protectionOf(efsB, replicaId)).toBe('ENABLED');
    expect(await protectionOf(efsA, primaryId)).toBe('ENABLED');
  });

  it('ALL_CONFIGURATIONS from the destination region, naming the source file system as terraform does', async () => {
    await efsB.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId, DeletionMode: 'ALL_CONFIGURATIONS' }));
    expect(await statusOf(efsA, primaryId)).toBe('DELETING');
    kit.clock.advance(2000);
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');
    expect(await statusOf(efsB, replicaId)).toBe('ReplicationNotFound');
  });

  it('ALL_CONFIGURATIONS stays DELETING while the other region is down and completes once it is back', async () => {
    kit.world.faults.setRegionDown(REGION_A);
    await efsB.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    kit.clock.advance(60_000);
    expect(await statusOf(efsB, replicaId)).toBe('DELETING');
    expect(await protectionOf(efsB, replicaId)).toBe('REPLICATING');
    kit.world.faults.setRegionDown(REGION_A, false);
    expect(await statusOf(efsB, replicaId)).toBe('ReplicationNotFound');
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');
  });

  it('failover during a regional outage: LOCAL_CONFIGURATION_ONLY in the DR region, then the orphan is removed when the primary returns', async () => {
    kit.world.faults.setRegionDown(REGION_A);
    await efsB.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }));
    expect(await statusOf(efsB, replicaId)).toBe('DELETING');
    kit.clock.advance(2000);
    expect(await statusOf(efsB, replicaId)).toBe('ReplicationNotFound');
    expect(await protectionOf(efsB, replicaId)).toBe('ENABLED');

    kit.world.faults.setRegionDown(REGION_A, false);
    // The primary region still holds its record: an orphan that blocks failback until removed locally.
    expect(await statusOf(efsA, primaryId)).toBe('ENABLED');
    const blocked = await errorOf(efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: primaryId, ReplicationOverwriteProtection: 'DISABLED' })));
    expect(blocked.name).toBe('ReplicationAlreadyExists');
    await efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }));
    kit.clock.advance(2000);
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');

    // Failback: replicate the DR copy into the original primary.
    await efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: primaryId, ReplicationOverwriteProtection: 'DISABLED' }));
    const back = await efsB.send(
      new CreateReplicationConfigurationCommand({ SourceFileSystemId: replicaId, Destinations: [{ Region: REGION_A, FileSystemId: primaryId }] }),
    );
    expect(back.OriginalSourceFileSystemArn).toContain(replicaId);
    expect(await protectionOf(efsA, primaryId)).toBe('REPLICATING');
  });

  it('switches a pending ALL_CONFIGURATIONS deletion to LOCAL_CONFIGURATION_ONLY, leaving the unreachable side untouched', async () => {
    kit.world.faults.setRegionDown(REGION_A);
    await efsB.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    kit.clock.advance(5000);
    expect(await statusOf(efsB, replicaId)).toBe('DELETING');
    await efsB.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' }));
    expect(await statusOf(efsB, replicaId)).toBe('ReplicationNotFound');
    kit.world.faults.setRegionDown(REGION_A, false);
    expect(await statusOf(efsA, primaryId)).toBe('ENABLED');
  });

  it('refuses LOCAL_CONFIGURATION_ONLY for a same-account, same-region replication', async () => {
    const local = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {}).fileSystemId;
    await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: local, Destinations: [{ Region: REGION_A }] }));
    const error = await errorOf(efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: local, DeletionMode: 'LOCAL_CONFIGURATION_ONLY' })));
    expect(error.name).toBe('BadRequest');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('stays DELETING forever with the stuck-DELETING fault, until the fault is removed', async () => {
    const fault = kit.world.faults.add({ kind: 'condition', name: KNOWN_CONDITIONS.efsReplicationStuckDeleting, resourceId: primaryId });
    await efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    kit.clock.advance(3_600_000);
    expect(await statusOf(efsA, primaryId)).toBe('DELETING');
    expect(await statusOf(efsB, replicaId)).toBe('DELETING');
    kit.world.faults.remove(fault);
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');
  });

  it('answers ReplicationNotFound / FileSystemNotFound when there is nothing to delete', async () => {
    const lonely = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {}).fileSystemId;
    expect(await errorOf(efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: lonely })))).toBeInstanceOf(ReplicationNotFound);
    expect(await errorOf(efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: 'fs-0123456789abcdef0' })))).toBeInstanceOf(FileSystemNotFound);
  });

  it('is idempotent while DELETING', async () => {
    await efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    kit.clock.advance(1500);
    await efsA.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primaryId }));
    kit.clock.advance(500);
    expect(await statusOf(efsA, primaryId)).toBe('ReplicationNotFound');
  });
});
