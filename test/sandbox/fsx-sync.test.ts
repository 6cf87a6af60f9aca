/**
 * Automatic import and export between a Lustre file tree and its linked bucket, and the whole seed architecture:
 * Lustre A → bucket A → S3 replication → bucket B → Lustre B, across accounts and regions, on virtual time.
 */
import { CreateDataRepositoryAssociationCommand, CreateFileSystemCommand, type FSxClient } from '@aws-sdk/client-fsx';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { deleteLustreFile, listLustreFiles, readLustreFile, writeLustreFile, type LustreLocator } from '../../src/sandbox/services/fsx/index.js';
import { ensureBucket, setBucketReplication, v2Rule, writeObject } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, ACCOUNT_B, REGION_A, REGION_B, errorOf, makeKit, type Kit } from './s3-kit.js';

const ALL = ['NEW', 'CHANGED', 'DELETED'] as const;

async function linkedLustre(kit: Kit, fsx: FSxClient, accountId: string, region: string, bucket: string, events = { autoImport: [...ALL], autoExport: [...ALL] }): Promise<LustreLocator> {
  const { FileSystem } = await fsx.send(
    new CreateFileSystemCommand({
      FileSystemType: 'LUSTRE',
      StorageCapacity: 1200,
      SubnetIds: ['subnet-1'],
      FileSystemTypeVersion: '2.15',
      LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
    }),
  );
  const fileSystemId = FileSystem?.FileSystemId ?? '';
  await fsx.send(
    new CreateDataRepositoryAssociationCommand({
      FileSystemId: fileSystemId,
      FileSystemPath: '/data',
      DataRepositoryPath: `s3://${bucket}/data/`,
      S3: { AutoImportPolicy: { Events: events.autoImport }, AutoExportPolicy: { Events: events.autoExport } },
    }),
  );
  kit.clock.advance(kit.world.duration('fsx.fileSystemCreate') + kit.world.duration('fsx.associationCreate'));
  return { accountId, region, fileSystemId };
}

describe('FSx automatic export', () => {
  it('writes new and changed files to the bucket after the lag, and mirrors deletions', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    const at = await linkedLustre(kit, kit.fsx(ACCOUNT_A, REGION_A), ACCOUNT_A, REGION_A, 'bkt-a');
    const s3 = kit.s3(ACCOUNT_A, REGION_A);
    writeLustreFile(kit.world, at, '/data/results/run-1.txt', 'first');
    writeLustreFile(kit.world, at, '/scratch/not-linked.txt', 'stays local');
    kit.clock.advance(999);
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'bkt-a', Key: 'data/results/run-1.txt' })))).name).toBe('NotFound');
    kit.clock.advance(1);
    const exported = await s3.send(new GetObjectCommand({ Bucket: 'bkt-a', Key: 'data/results/run-1.txt' }));
    expect(await exported.Body?.transformToString()).toBe('first');

    writeLustreFile(kit.world, at, '/data/results/run-1.txt', 'second');
    kit.clock.advance(1_000);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'bkt-a', Key: 'data/results/run-1.txt' }))).Body?.transformToString()).toBe('second');

    deleteLustreFile(kit.world, at, '/data/results/run-1.txt');
    kit.clock.advance(1_000);
    expect((await errorOf(s3.send(new GetObjectCommand({ Bucket: 'bkt-a', Key: 'data/results/run-1.txt' })))).name).toBe('NoSuchKey');
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'bkt-a', Key: 'scratch/not-linked.txt' })))).name).toBe('NotFound');
  });

  it('leaves files that predate the link alone (an export task handles them)', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const { FileSystem } = await fsx.send(
      new CreateFileSystemCommand({ FileSystemType: 'LUSTRE', StorageCapacity: 1200, SubnetIds: ['s'], LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 } }),
    );
    const at = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: FileSystem?.FileSystemId ?? '' };
    kit.clock.advance(5_000);
    writeLustreFile(kit.world, at, '/data/old.txt', 'before the link');
    await fsx.send(new CreateDataRepositoryAssociationCommand({ FileSystemId: at.fileSystemId, FileSystemPath: '/data', DataRepositoryPath: 's3://bkt-a/data/', S3: { AutoExportPolicy: { Events: [...ALL] } } }));
    kit.clock.advance(60_000);
    expect((await errorOf(kit.s3(ACCOUNT_A, REGION_A).send(new HeadObjectCommand({ Bucket: 'bkt-a', Key: 'data/old.txt' })))).name).toBe('NotFound');
  });

  it('exports only the configured events', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    const at = await linkedLustre(kit, kit.fsx(ACCOUNT_A, REGION_A), ACCOUNT_A, REGION_A, 'bkt-a', { autoImport: [], autoExport: ['NEW'] });
    writeLustreFile(kit.world, at, '/data/a.txt', 'v1');
    kit.clock.advance(1_000);
    writeLustreFile(kit.world, at, '/data/a.txt', 'v2');
    kit.clock.advance(5_000);
    const s3 = kit.s3(ACCOUNT_A, REGION_A);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'bkt-a', Key: 'data/a.txt' }))).Body?.transformToString()).toBe('v1');
  });
});

describe('FSx automatic import', () => {
  it('brings new, changed and deleted objects into the file tree after the lag, without echoing them back', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    const at = await linkedLustre(kit, kit.fsx(ACCOUNT_A, REGION_A), ACCOUNT_A, REGION_A, 'bkt-a');
    const s3 = kit.s3(ACCOUNT_A, REGION_A);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'data/in/model.bin', Body: 'weights-1' }));
    kit.clock.advance(999);
    expect(readLustreFile(kit.world, at, '/data/in/model.bin')).toBeUndefined();
    kit.clock.advance(1);
    expect(readLustreFile(kit.world, at, '/data/in/model.bin')?.content).toBe('weights-1');

    await s3.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'data/in/model.bin', Body: 'weights-2' }));
    kit.clock.advance(1_000);
    expect(readLustreFile(kit.world, at, '/data/in/model.bin')?.content).toBe('weights-2');
    kit.clock.advance(60_000);
    // The import did not export the file again: the bucket still holds the two versions the user wrote.
    const versions = kit.world.data.services['s3']?.[ACCOUNT_A]?.[REGION_A] as { buckets: Record<string, { objects: Record<string, unknown[]> }> };
    expect(versions.buckets['bkt-a']?.objects['data/in/model.bin']).toHaveLength(2);
    expect(put.VersionId).toBeDefined();

    await s3.send(new DeleteObjectCommand({ Bucket: 'bkt-a', Key: 'data/in/model.bin' }));
    kit.clock.advance(1_000);
    expect(readLustreFile(kit.world, at, '/data/in/model.bin')).toBeUndefined();
  });
});

describe('the seed architecture end to end', () => {
  it('carries a file written on Lustre A to Lustre B through bucket A, replication and bucket B', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'bkt-b', versioning: 'Enabled' });
    setBucketReplication(kit.world, 'bkt-a', { role: 'arn:aws:iam::111111111111:role/a-to-b', rules: [v2Rule({ id: 'a-to-b', destinationBucket: 'bkt-b', prefix: 'data/' })] });
    setBucketReplication(kit.world, 'bkt-b', { role: 'arn:aws:iam::222222222222:role/b-to-a', rules: [v2Rule({ id: 'b-to-a', destinationBucket: 'bkt-a', prefix: 'data/' })] });
    const lustreA = await linkedLustre(kit, kit.fsx(ACCOUNT_A, REGION_A), ACCOUNT_A, REGION_A, 'bkt-a');
    const lustreB = await linkedLustre(kit, kit.fsx(ACCOUNT_B, REGION_B), ACCOUNT_B, REGION_B, 'bkt-b');

    writeLustreFile(kit.world, lustreA, '/data/canary.txt', 'drill 2026-01-01');
    // 1 s auto-export + 1 s replication + 1 s auto-import, all applied by a single look after the clock jumps.
    kit.clock.advance(3_000);
    expect(readLustreFile(kit.world, lustreB, '/data/canary.txt')?.content).toBe('drill 2026-01-01');

    // And back: a file written on B reaches A; neither side loops.
    writeLustreFile(kit.world, lustreB, '/data/from-b.txt', 'written during failover');
    kit.clock.advance(600_000);
    expect(readLustreFile(kit.world, lustreA, '/data/from-b.txt')?.content).toBe('written during failover');
    expect(listLustreFiles(kit.world, lustreA, '/data').map((f) => f.path)).toEqual(['/data/canary.txt', '/data/from-b.txt']);
    const s3a = kit.s3(ACCOUNT_A, REGION_A);
    expect((await s3a.send(new HeadObjectCommand({ Bucket: 'bkt-a', Key: 'data/canary.txt' }))).ReplicationStatus).toBe('COMPLETED');
    expect((await s3a.send(new HeadObjectCommand({ Bucket: 'bkt-a', Key: 'data/from-b.txt' }))).ReplicationStatus).toBe('REPLICA');
  });

  it('keeps changes pending while the DR region is down and delivers them when it is back', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'bkt-b', versioning: 'Enabled' });
    setBucketReplication(kit.world, 'bkt-a', { role: 'arn:aws:iam::111111111111:role/a-to-b', rules: [v2Rule({ id: 'a-to-b', destinationBucket: 'bkt-b' })] });
    const lustreA = await linkedLustre(kit, kit.fsx(ACCOUNT_A, REGION_A), ACCOUNT_A, REGION_A, 'bkt-a');
    const lustreB = await linkedLustre(kit, kit.fsx(ACCOUNT_B, REGION_B), ACCOUNT_B, REGION_B, 'bkt-b');
    kit.world.faults.setRegionDown(REGION_B);
    writeLustreFile(kit.world, lustreA, '/data/outage.txt', 'during the outage');
    kit.clock.advance(3_600_000);
    kit.world.advance();
    expect(readLustreFile(kit.world, lustreA, '/data/outage.txt')?.content).toBe('during the outage');
    kit.world.faults.setRegionDown(REGION_B, false);
    // The first look after the region is back delivers the replica; auto-import follows after its lag.
    kit.world.advance();
    kit.clock.advance(1_000);
    expect(readLustreFile(kit.world, lustreB, '/data/outage.txt')?.content).toBe('during the outage');
  });

  it('does not auto-import replicas when the scenario says replication events do not reach FSx', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'bkt-b', versioning: 'Enabled' });
    setBucketReplication(kit.world, 'bkt-a', { role: 'arn:aws:iam::111111111111:role/a-to-b', rules: [v2Rule({ id: 'a-to-b', destinationBucket: 'bkt-b' })] });
    const lustreB = await linkedLustre(kit, kit.fsx(ACCOUNT_B, REGION_B), ACCOUNT_B, REGION_B, 'bkt-b');
    kit.world.faults.add({ kind: 'condition', name: 'fsx.auto-import-ignores-replicas' });
    writeObject(kit.world, 'bkt-a', 'data/replicated.txt', 'via replication');
    kit.clock.advance(60_000);
    expect(readLustreFile(kit.world, lustreB, '/data/replicated.txt')).toBeUndefined();
  });
});
