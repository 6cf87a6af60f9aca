/**
 * FSx for Lustre file systems through the real FSx client (awsJson 1.1, in process, virtual time).
 */
import {
  CreateBackupCommand,
  CreateDataRepositoryAssociationCommand,
  CreateDataRepositoryTaskCommand,
  CreateFileSystemCommand,
  DeleteFileSystemCommand,
  DescribeFileSystemsCommand,
  type CreateFileSystemCommandInput,
} from '@aws-sdk/client-fsx';
import { describe, expect, it } from 'vitest';
import { ensureBucket } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, REGION_A, errorOf, makeKit, rawRequest } from './s3-kit.js';

function persistent2(overrides: Partial<CreateFileSystemCommandInput> = {}): CreateFileSystemCommandInput {
  return {
    FileSystemType: 'LUSTRE',
    StorageCapacity: 1200,
    SubnetIds: ['subnet-0123456789abcdef0'],
    FileSystemTypeVersion: '2.15',
    LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
    ...overrides,
  };
}

describe('FSx CreateFileSystem / DescribeFileSystems', () => {
  it('creates a Lustre file system CREATING, AVAILABLE after the configured duration', async () => {
    const kit = makeKit();
    kit.world.setDuration('fsx.fileSystemCreate', 600_000);
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const { FileSystem } = await fsx.send(new CreateFileSystemCommand(persistent2({ Tags: [{ Key: 'app', Value: 'hpc' }] })));
    expect(FileSystem).toMatchObject({
      FileSystemType: 'LUSTRE',
      Lifecycle: 'CREATING',
      OwnerId: ACCOUNT_A,
      StorageCapacity: 1200,
      StorageType: 'SSD',
      FileSystemTypeVersion: '2.15',
      LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
      Tags: [{ Key: 'app', Value: 'hpc' }],
    });
    expect(FileSystem?.FileSystemId).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(FileSystem?.CreationTime?.getTime()).toBe(kit.clock.now());
    expect(FileSystem?.LustreConfiguration?.MountName).toMatch(/^[a-z0-9]{8}$/);
    const id = FileSystem?.FileSystemId ?? '';
    kit.clock.advance(599_000);
    expect((await fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: [id] }))).FileSystems?.[0]?.Lifecycle).toBe('CREATING');
    kit.clock.advance(1_000);
    expect((await fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: [id] }))).FileSystems?.[0]?.Lifecycle).toBe('AVAILABLE');
  });

  it('defaults to SCRATCH_1 on Lustre 2.10, and PERSISTENT_2 to 2.12', async () => {
    const kit = makeKit();
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const scratch = await fsx.send(new CreateFileSystemCommand({ FileSystemType: 'LUSTRE', StorageCapacity: 1200, SubnetIds: ['subnet-1'] }));
    expect(scratch.FileSystem).toMatchObject({ FileSystemTypeVersion: '2.10', LustreConfiguration: { DeploymentType: 'SCRATCH_1', MountName: 'fsx' } });
    const p2 = await fsx.send(new CreateFileSystemCommand(persistent2({ FileSystemTypeVersion: undefined })));
    expect(p2.FileSystem?.FileSystemTypeVersion).toBe('2.12');
  });

  it('validates deployment type, version, throughput, capacity and subnets', async () => {
    const kit = makeKit();
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const cases: Array<[Partial<CreateFileSystemCommandInput>, string, RegExp]> = [
      [{ FileSystemTypeVersion: '2.10' }, 'BadRequest', /2\.12 or later/],
      [{ StorageCapacity: 3000 }, 'BadRequest', /1200, 2400 or a multiple of 2400/],
      [{ LustreConfiguration: { DeploymentType: 'PERSISTENT_2' } }, 'InvalidPerUnitStorageThroughput', /125, 250, 500, 1000/],
      [{ LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 200 } }, 'InvalidPerUnitStorageThroughput', /got 200/],
      [{ SubnetIds: ['subnet-1', 'subnet-2'] }, 'BadRequest', /exactly one subnet/],
      [{ StorageType: 'HDD' }, 'BadRequest', /PERSISTENT_1 only/],
    ];
    for (const [overrides, name, message] of cases) {
      const error = await errorOf(fsx.send(new CreateFileSystemCommand(persistent2(overrides))));
      expect(error.name, JSON.stringify(overrides)).toBe(name);
      expect(error.message).toMatch(message);
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
    const hdd = await fsx.send(
      new CreateFileSystemCommand(persistent2({ StorageType: 'HDD', StorageCapacity: 6000, FileSystemTypeVersion: '2.12', LustreConfiguration: { DeploymentType: 'PERSISTENT_1', PerUnitStorageThroughput: 12 } })),
    );
    expect(hdd.FileSystem?.StorageType).toBe('HDD');
  });

  it('refuses a ClientRequestToken longer than 63 characters or outside its character set, as FSx does', async () => {
    const kit = makeKit();
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const tooLong = await errorOf(fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'a'.repeat(64) }))));
    expect(tooLong.name).toBe('BadRequest');
    expect(tooLong.message).toContain('ClientRequestToken');
    const badChars = await errorOf(fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'drctl run:1' }))));
    expect(badChars.name).toBe('BadRequest');
    const longest = await fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'a'.repeat(63) })));
    expect(longest.FileSystem?.Lifecycle).toBe('CREATING');
  });

  it('is idempotent per ClientRequestToken, and names the parameter that differs', async () => {
    const kit = makeKit();
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const first = await fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'drctl-run-1-dr-lustre' })));
    const again = await fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'drctl-run-1-dr-lustre' })));
    expect(again.FileSystem?.FileSystemId).toBe(first.FileSystem?.FileSystemId);
    expect((await fsx.send(new DescribeFileSystemsCommand({}))).FileSystems).toHaveLength(1);
    const changed = await errorOf(fsx.send(new CreateFileSystemCommand(persistent2({ ClientRequestToken: 'drctl-run-1-dr-lustre', StorageCapacity: 2400 }))));
    expect(changed.name).toBe('IncompatibleParameterError');
    expect(changed['Parameter']).toBe('StorageCapacity');
  });

  it('answers FileSystemNotFound for an unknown id', async () => {
    const kit = makeKit();
    const error = await errorOf(kit.fsx(ACCOUNT_A, REGION_A).send(new DescribeFileSystemsCommand({ FileSystemIds: ['fs-0123456789abcdef0'] })));
    expect(error.name).toBe('FileSystemNotFound');
    expect(error.message).toContain('fs-0123456789abcdef0');
  });

  it('refuses DeleteFileSystem while a task is pending or executing, then deletes (DELETING → gone)', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'lustre-data', versioning: 'Enabled' });
    const fsx = kit.fsx(ACCOUNT_A, REGION_A);
    const id = (await fsx.send(new CreateFileSystemCommand(persistent2()))).FileSystem?.FileSystemId ?? '';
    await fsx.send(new CreateDataRepositoryAssociationCommand({ FileSystemId: id, FileSystemPath: '/data', DataRepositoryPath: 's3://lustre-data/data/' }));
    kit.clock.advance(60_000);
    await fsx.send(new CreateDataRepositoryTaskCommand({ FileSystemId: id, Type: 'IMPORT_METADATA_FROM_REPOSITORY', Report: { Enabled: false } }));
    const refused = await errorOf(fsx.send(new DeleteFileSystemCommand({ FileSystemId: id })));
    expect(refused.name).toBe('BadRequest');
    expect(refused.message).toMatch(/PENDING or EXECUTING/);
    kit.clock.advance(60_000);
    const deleting = await fsx.send(new DeleteFileSystemCommand({ FileSystemId: id, LustreConfiguration: { SkipFinalBackup: true } }));
    expect(deleting).toMatchObject({ FileSystemId: id, Lifecycle: 'DELETING' });
    expect((await fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: [id] }))).FileSystems?.[0]?.Lifecycle).toBe('DELETING');
    kit.clock.advance(60_000);
    expect((await errorOf(fsx.send(new DescribeFileSystemsCommand({ FileSystemIds: [id] })))).name).toBe('FileSystemNotFound');
  });

  it('answers NotImplemented naming operations it does not emulate', async () => {
    const kit = makeKit();
    const error = await errorOf(kit.fsx(ACCOUNT_A, REGION_A).send(new CreateBackupCommand({ FileSystemId: 'fs-0123456789abcdef0' })));
    expect(error.name).toBe('NotImplemented');
    expect(error.message).toContain('fsx:CreateBackup');
  });

  it('renders errors as awsJson __type with HTTP 400', async () => {
    const kit = makeKit();
    const response = await rawRequest(
      kit,
      { method: 'POST', path: '/', headers: { 'x-amz-target': 'AWSSimbaAPIService_v20180301.DescribeFileSystems', 'content-type': 'application/x-amz-json-1.1' }, body: '{"FileSystemIds":["fs-00000000000000000"]}' },
      ACCOUNT_A,
      REGION_A,
      'fsx',
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(String(response.body))).toMatchObject({ __type: 'FileSystemNotFound' });
  });
});
