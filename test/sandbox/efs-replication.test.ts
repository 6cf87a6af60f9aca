import {
  CreateReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  FileSystemNotFound,
  ReplicationNotFound,
  UpdateFileSystemProtectionCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFileSystem, createMountTarget } from '../../src/sandbox/services/efs/file-systems.js';
import { ACCOUNT_A, ACCOUNT_B, errorOf, makeCoreKit, REGION_A, REGION_B, type CoreKit } from './kit.js';

const arnOf = (account: string, region: string, id: string) => `arn:aws:elasticfilesystem:${region}:${account}:file-system/${id}`;

async function replicationOf(efs: EFSClient, fileSystemId: string) {
  const out = await efs.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }));
  return out.Replications?.[0];
}

describe('sandbox EFS replication: create and describe', () => {
  let kit: CoreKit;
  let efsA: EFSClient;
  let efsB: EFSClient;
  beforeEach(() => {
    kit = makeCoreKit();
    efsA = kit.efs(ACCOUNT_A, REGION_A);
    efsB = kit.efs(ACCOUNT_A, REGION_B);
  });

  it('replicates into a new file system: ENABLING → ENABLED, then the initial sync, then LastReplicatedTimestamp advances', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, { name: 'app' });
    const created = await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    expect(created.Destinations?.[0]?.Status).toBe('ENABLING');
    expect(created.Destinations?.[0]?.LastReplicatedTimestamp).toBeUndefined();
    expect(created.SourceFileSystemArn).toBe(arnOf(ACCOUNT_A, REGION_A, source.fileSystemId));
    expect(created.OriginalSourceFileSystemArn).toBe(created.SourceFileSystemArn);
    expect(created.CreationTime?.getTime()).toBe(kit.clock.now());
    const destinationId = created.Destinations?.[0]?.FileSystemId ?? '';
    expect(destinationId).toMatch(/^fs-[0-9a-f]{17}$/);

    const replica = (await efsB.send(new DescribeFileSystemsCommand({ FileSystemId: destinationId }))).FileSystems?.[0];
    expect(replica?.LifeCycleState).toBe('creating');
    expect(replica?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('REPLICATING');

    kit.clock.advance(1999);
    expect((await replicationOf(efsA, source.fileSystemId))?.Destinations?.[0]?.Status).toBe('ENABLING');
    kit.clock.advance(1);
    const enabled = await replicationOf(efsA, source.fileSystemId);
    expect(enabled?.Destinations?.[0]?.Status).toBe('ENABLED');
    expect(enabled?.Destinations?.[0]?.LastReplicatedTimestamp).toBeUndefined();
    expect((await efsB.send(new DescribeFileSystemsCommand({ FileSystemId: destinationId }))).FileSystems?.[0]?.LifeCycleState).toBe('available');

    kit.clock.advance(1000);
    const synced = (await replicationOf(efsA, source.fileSystemId))?.Destinations?.[0]?.LastReplicatedTimestamp?.getTime();
    expect(synced).toBe(kit.clock.now());
    kit.clock.advance(3500);
    const later = (await replicationOf(efsA, source.fileSystemId))?.Destinations?.[0]?.LastReplicatedTimestamp?.getTime();
    expect(later).toBe(kit.clock.now() - 500);
  });

  it('shows a configuration in the source region and in the destination region, each through its own record', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const created = await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    const destinationId = created.Destinations?.[0]?.FileSystemId ?? '';
    const fromSource = await replicationOf(efsA, source.fileSystemId);
    const fromDestination = await replicationOf(efsB, destinationId);
    expect(fromDestination?.SourceFileSystemId).toBe(source.fileSystemId);
    expect(fromDestination?.Destinations?.[0]?.FileSystemId).toBe(destinationId);
    expect(fromSource?.SourceFileSystemRegion).toBe(REGION_A);
    // Listing without a file system id shows the region's records only.
    expect((await efsB.send(new DescribeReplicationConfigurationsCommand({}))).Replications).toHaveLength(1);
    expect((await kit.efs(ACCOUNT_A, 'ap-south-1').send(new DescribeReplicationConfigurationsCommand({}))).Replications).toEqual([]);
  });

  it('answers FileSystemNotFound for an unknown id and ReplicationNotFound for a file system without configuration (404s)', async () => {
    const lonely = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const notFound = await errorOf(efsA.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-0123456789abcdef0' })));
    expect(notFound).toBeInstanceOf(FileSystemNotFound);
    expect(notFound.$metadata?.httpStatusCode).toBe(404);
    expect(notFound.message).toContain('fs-0123456789abcdef0');
    const noReplication = await errorOf(efsA.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: lonely.fileSystemId })));
    expect(noReplication).toBeInstanceOf(ReplicationNotFound);
    expect(noReplication.$metadata?.httpStatusCode).toBe(404);
    expect((noReplication as unknown as { ErrorCode?: string }).ErrorCode).toBe('ReplicationNotFound');
  });

  it('pages DescribeReplicationConfigurations with MaxResults and NextToken', async () => {
    for (let i = 0; i < 3; i++) {
      const fs = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
      await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: fs.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    }
    const first = await efsA.send(new DescribeReplicationConfigurationsCommand({ MaxResults: 2 }));
    expect(first.Replications).toHaveLength(2);
    const second = await efsA.send(new DescribeReplicationConfigurationsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Replications).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
  });

  it('allows one configuration per file system and never a destination as a source', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const created = await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    const destinationId = created.Destinations?.[0]?.FileSystemId ?? '';

    const again = await errorOf(efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: 'eu-central-1' }] })));
    expect(again.name).toBe('BadRequest');
    expect(again.$metadata?.httpStatusCode).toBe(400);
    expect(again.message).toContain('already the source');

    const destinationAsSource = await errorOf(efsB.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: destinationId, Destinations: [{ Region: 'eu-central-1' }] })));
    expect(destinationAsSource.name).toBe('BadRequest');
    expect(destinationAsSource.message).toContain('already the destination');

    const other = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const intoDestination = await errorOf(
      efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: other.fileSystemId, Destinations: [{ Region: REGION_B, FileSystemId: destinationId }] })),
    );
    expect(intoDestination.name).toBe('BadRequest');
  });

  it('replicates into an existing file system only when its protection is DISABLED, and marks it REPLICATING', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const target = createFileSystem(kit.world, ACCOUNT_A, REGION_B, {});
    const request = new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B, FileSystemId: target.fileSystemId }] });
    const refused = await errorOf(efsA.send(request));
    expect(refused.name).toBe('BadRequest');
    expect(refused.message).toContain('DISABLED');

    await efsB.send(new UpdateFileSystemProtectionCommand({ FileSystemId: target.fileSystemId, ReplicationOverwriteProtection: 'DISABLED' }));
    const created = await efsA.send(request);
    expect(created.Destinations?.[0]?.FileSystemId).toBe(target.fileSystemId);
    const described = (await efsB.send(new DescribeFileSystemsCommand({ FileSystemId: target.fileSystemId }))).FileSystems?.[0];
    expect(described?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('REPLICATING');
  });

  it('requires a RoleArn and the destination ARN for cross-account replication', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const target = createFileSystem(kit.world, ACCOUNT_B, REGION_B, { protection: 'DISABLED' });
    const targetArn = arnOf(ACCOUNT_B, REGION_B, target.fileSystemId);

    const noRole = await errorOf(efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B, FileSystemId: targetArn }] })));
    expect(noRole.name).toBe('BadRequest');
    expect(noRole.message).toBe('No RoleArn provided.  RoleArn is required for cross-account replication.');

    const roleArn = `arn:aws:iam::${ACCOUNT_A}:role/efs-replication`;
    const byId = await errorOf(
      efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B, FileSystemId: target.fileSystemId, RoleArn: roleArn }] })),
    );
    expect(byId).toBeInstanceOf(FileSystemNotFound);

    const created = await efsA.send(
      new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B, FileSystemId: targetArn, RoleArn: roleArn }] }),
    );
    expect(created.Destinations?.[0]).toMatchObject({ FileSystemId: target.fileSystemId, OwnerId: ACCOUNT_B, RoleArn: roleArn });
    const seenByB = await replicationOf(kit.efs(ACCOUNT_B, REGION_B), target.fileSystemId);
    expect(seenByB?.SourceFileSystemOwnerId).toBe(ACCOUNT_A);
    expect(await errorOf(replicationOf(kit.efs(ACCOUNT_B, REGION_A), target.fileSystemId))).toBeInstanceOf(FileSystemNotFound);
  });

  it('refuses a source that is not available', async () => {
    const source = createFileSystem(kit.world, ACCOUNT_A, REGION_A, { creating: true });
    const error = await errorOf(efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: source.fileSystemId, Destinations: [{ Region: REGION_B }] })));
    expect(error.name).toBe('IncorrectFileSystemLifeCycleState');
    expect(error.$metadata?.httpStatusCode).toBe(409);
  });
});

describe('sandbox EFS UpdateFileSystemProtection', () => {
  it('toggles ENABLED/DISABLED on a free file system and refuses with 409 ReplicationAlreadyExists while it is replicated', async () => {
    const kit = makeCoreKit();
    const efsA = kit.efs(ACCOUNT_A, REGION_A);
    const efsB = kit.efs(ACCOUNT_A, REGION_B);
    const fs = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const out = await efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: fs.fileSystemId, ReplicationOverwriteProtection: 'DISABLED' }));
    expect(out.ReplicationOverwriteProtection).toBe('DISABLED');
    expect((await efsA.send(new DescribeFileSystemsCommand({ FileSystemId: fs.fileSystemId }))).FileSystems?.[0]?.FileSystemProtection?.ReplicationOverwriteProtection).toBe('DISABLED');
    await efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: fs.fileSystemId, ReplicationOverwriteProtection: 'ENABLED' }));

    const created = await efsA.send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: fs.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    const destinationId = created.Destinations?.[0]?.FileSystemId ?? '';
    kit.clock.advance(5000);
    const onDestination = await errorOf(efsB.send(new UpdateFileSystemProtectionCommand({ FileSystemId: destinationId, ReplicationOverwriteProtection: 'ENABLED' })));
    expect(onDestination.name).toBe('ReplicationAlreadyExists');
    expect(onDestination.$metadata?.httpStatusCode).toBe(409);
    expect(onDestination.message).toBe('ReplicationOverwriteProtection cannot be changed while the file system is a replication destination.');
    const onSource = await errorOf(efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: fs.fileSystemId, ReplicationOverwriteProtection: 'DISABLED' })));
    expect(onSource.name).toBe('ReplicationAlreadyExists');

    const unknown = await errorOf(efsA.send(new UpdateFileSystemProtectionCommand({ FileSystemId: 'fs-0123456789abcdef0', ReplicationOverwriteProtection: 'DISABLED' })));
    expect(unknown).toBeInstanceOf(FileSystemNotFound);
  });
});

describe('sandbox EFS DescribeMountTargets', () => {
  it('lists by file system or mount target id and names what is missing', async () => {
    const kit = makeCoreKit();
    const efs = kit.efs(ACCOUNT_A, REGION_A);
    const fs = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const a = createMountTarget(kit.world, fs, 'us-east-1a');
    createMountTarget(kit.world, fs, 'us-east-1b');

    const byFs = await efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs.fileSystemId }));
    expect(byFs.MountTargets?.map((m) => [m.AvailabilityZoneName, m.LifeCycleState, m.FileSystemId])).toEqual([
      ['us-east-1a', 'available', fs.fileSystemId],
      ['us-east-1b', 'available', fs.fileSystemId],
    ]);
    expect((await efs.send(new DescribeFileSystemsCommand({ FileSystemId: fs.fileSystemId }))).FileSystems?.[0]?.NumberOfMountTargets).toBe(2);
    const byId = await efs.send(new DescribeMountTargetsCommand({ MountTargetId: a.mountTargetId }));
    expect(byId.MountTargets?.[0]?.MountTargetId).toBe(a.mountTargetId);

    expect((await errorOf(efs.send(new DescribeMountTargetsCommand({ MountTargetId: 'fsmt-0123456789abcdef0' })))).name).toBe('MountTargetNotFound');
    expect(await errorOf(efs.send(new DescribeMountTargetsCommand({ FileSystemId: 'fs-0123456789abcdef0' })))).toBeInstanceOf(FileSystemNotFound);
    expect((await errorOf(efs.send(new DescribeMountTargetsCommand({})))).name).toBe('BadRequest');
  });
});
