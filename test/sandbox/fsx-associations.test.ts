/**
 * FSx data repository associations through the real FSx client: lifecycle, the one-at-a-time queue, path and
 * limit rules, idempotency, FAILED and MISCONFIGURED links.
 */
import {
  CreateDataRepositoryAssociationCommand,
  CreateFileSystemCommand,
  DeleteDataRepositoryAssociationCommand,
  DescribeDataRepositoryAssociationsCommand,
  UpdateDataRepositoryAssociationCommand,
  type CreateDataRepositoryAssociationCommandInput,
  type FSxClient,
} from '@aws-sdk/client-fsx';
import { describe, expect, it } from 'vitest';
import { FSX_CONDITIONS, listLustreFiles, writeLustreFile } from '../../src/sandbox/services/fsx/index.js';
import { destroyBucket, ensureBucket } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, REGION_A, REGION_B, errorOf, makeKit, type Kit } from './s3-kit.js';

async function lustre(kit: Kit, fsx: FSxClient, options: { available?: boolean } = {}): Promise<string> {
  const { FileSystem } = await fsx.send(
    new CreateFileSystemCommand({
      FileSystemType: 'LUSTRE',
      StorageCapacity: 1200,
      SubnetIds: ['subnet-1'],
      FileSystemTypeVersion: '2.15',
      LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 },
    }),
  );
  if (options.available ?? true) kit.clock.advance(kit.world.duration('fsx.fileSystemCreate'));
  return FileSystem?.FileSystemId ?? '';
}

function dra(fileSystemId: string, path: string, repository: string, extra: Partial<CreateDataRepositoryAssociationCommandInput> = {}): CreateDataRepositoryAssociationCommandInput {
  return {
    FileSystemId: fileSystemId,
    FileSystemPath: path,
    DataRepositoryPath: repository,
    S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] }, AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
    ...extra,
  };
}

async function lifecycleOf(fsx: FSxClient, id: string): Promise<string | undefined> {
  return (await fsx.send(new DescribeDataRepositoryAssociationsCommand({ AssociationIds: [id] }))).Associations?.[0]?.Lifecycle;
}

function setup() {
  const kit = makeKit();
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
  return { kit, fsx: kit.fsx(ACCOUNT_A, REGION_A) };
}

describe('FSx data repository associations', () => {
  it('creates an association CREATING → AVAILABLE, appending the trailing / to the repository path', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const { Association } = await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data', { ClientRequestToken: 'tok-1' })));
    expect(Association).toMatchObject({
      FileSystemId: fsId,
      Lifecycle: 'CREATING',
      FileSystemPath: '/data',
      DataRepositoryPath: 's3://bkt-a/data/',
      BatchImportMetaDataOnCreate: false,
      ImportedFileChunkSize: 1024,
      S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] }, AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
    });
    expect(Association?.AssociationId).toMatch(/^dra-[0-9a-f]{17}$/);
    expect(Association?.ResourceARN).toBe(`arn:aws:fsx:${REGION_A}:${ACCOUNT_A}:association/${fsId}/${Association?.AssociationId}`);
    kit.clock.advance(1_999);
    expect(await lifecycleOf(fsx, Association?.AssociationId ?? '')).toBe('CREATING');
    kit.clock.advance(1);
    expect(await lifecycleOf(fsx, Association?.AssociationId ?? '')).toBe('AVAILABLE');
  });

  it('processes one request at a time per file system, and queues requests made while the file system is CREATING', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx, { available: false });
    const first = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/one', 's3://bkt-a/one/')))).Association?.AssociationId ?? '';
    const second = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/two', 's3://bkt-a/two/')))).Association?.AssociationId ?? '';
    kit.clock.advance(5_000); // the file system becomes AVAILABLE now
    expect([await lifecycleOf(fsx, first), await lifecycleOf(fsx, second)]).toEqual(['CREATING', 'CREATING']);
    kit.clock.advance(2_000);
    expect([await lifecycleOf(fsx, first), await lifecycleOf(fsx, second)]).toEqual(['AVAILABLE', 'CREATING']);
    kit.clock.advance(2_000);
    expect([await lifecycleOf(fsx, first), await lifecycleOf(fsx, second)]).toEqual(['AVAILABLE', 'AVAILABLE']);
  });

  it('rejects overlapping paths on either side and / unless it is the only association', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/ns1', 's3://bkt-a/p/')));
    const nestedFs = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/ns1/ns2', 's3://bkt-a/other/'))));
    expect(nestedFs.name).toBe('BadRequest');
    expect(nestedFs.message).toContain('overlaps /ns1');
    const nestedRepo = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/ns3', 's3://bkt-a/p/sub/'))));
    expect(nestedRepo.message).toContain('overlaps s3://bkt-a/p/');
    const root = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/', 's3://bkt-a/root/'))));
    expect(root.message).toContain('only association');
    const noSlash = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, 'data', 's3://bkt-a/x/'))));
    expect(noSlash.message).toContain('must start with /');
  });

  it('allows at most 8 associations per file system', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    for (let i = 0; i < 8; i++) await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, `/d${i}`, `s3://bkt-a/d${i}/`)));
    const ninth = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/d8', 's3://bkt-a/d8/'))));
    expect(ninth.name).toBe('ServiceLimitExceeded');
  });

  it('allows auto-import only from a bucket in the same region; auto-export may cross regions', async () => {
    const { kit, fsx } = setup();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_B, name: 'far-bucket', versioning: 'Enabled' });
    const fsId = await lustre(kit, fsx);
    const crossImport = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/far', 's3://far-bucket/'))));
    expect(crossImport.name).toBe('BadRequest');
    expect(crossImport.message).toContain(`far-bucket is in ${REGION_B}`);
    const exportOnly = await fsx.send(
      new CreateDataRepositoryAssociationCommand(dra(fsId, '/far', 's3://far-bucket/', { S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } } })),
    );
    expect(exportOnly.Association?.S3).toEqual({ AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } });
  });

  it('is idempotent per ClientRequestToken', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const first = await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/', { ClientRequestToken: 'drctl-r1-dra' })));
    const again = await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/', { ClientRequestToken: 'drctl-r1-dra' })));
    expect(again.Association?.AssociationId).toBe(first.Association?.AssociationId);
    const changed = await errorOf(fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/other', 's3://bkt-a/data/', { ClientRequestToken: 'drctl-r1-dra' }))));
    expect(changed.name).toBe('IncompatibleParameterError');
    expect(changed['Parameter']).toBe('FileSystemPath');
  });

  it('ends FAILED with FailureDetails when the bucket does not exist, and when it is deleted later', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const missing = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/nobucket', 's3://no-such-bucket/')))).Association?.AssociationId ?? '';
    const live = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/')))).Association?.AssociationId ?? '';
    kit.clock.advance(10_000);
    const failed = (await fsx.send(new DescribeDataRepositoryAssociationsCommand({ AssociationIds: [missing] }))).Associations?.[0];
    expect(failed?.Lifecycle).toBe('FAILED');
    expect(failed?.FailureDetails?.Message).toContain('no-such-bucket');
    expect(await lifecycleOf(fsx, live)).toBe('AVAILABLE');
    destroyBucket(kit.world, 'bkt-a');
    expect(await lifecycleOf(fsx, live)).toBe('FAILED');
  });

  it('turns MISCONFIGURED under the condition fault, and AVAILABLE again after an update once it is fixed', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const id = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/')))).Association?.AssociationId ?? '';
    kit.clock.advance(2_000);
    expect(await lifecycleOf(fsx, id)).toBe('AVAILABLE');
    const fault = kit.world.faults.add({ kind: 'condition', name: FSX_CONDITIONS.associationMisconfigured, resourceId: 'bkt-a' });
    const broken = (await fsx.send(new DescribeDataRepositoryAssociationsCommand({ AssociationIds: [id] }))).Associations?.[0];
    expect(broken?.Lifecycle).toBe('MISCONFIGURED');
    expect(broken?.FailureDetails?.Message).toContain('stopped');
    kit.world.faults.remove(fault);
    expect(await lifecycleOf(fsx, id)).toBe('MISCONFIGURED');
    const updating = await fsx.send(new UpdateDataRepositoryAssociationCommand({ AssociationId: id, S3: { AutoImportPolicy: { Events: ['NEW'] } } }));
    expect(updating.Association?.Lifecycle).toBe('UPDATING');
    kit.clock.advance(1_000);
    const repaired = (await fsx.send(new DescribeDataRepositoryAssociationsCommand({ AssociationIds: [id] }))).Associations?.[0];
    expect(repaired).toMatchObject({ Lifecycle: 'AVAILABLE', S3: { AutoImportPolicy: { Events: ['NEW'] }, AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } } });
  });

  it('deletes through DELETING, then answers DataRepositoryAssociationNotFound', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const id = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/')))).Association?.AssociationId ?? '';
    const early = await errorOf(fsx.send(new DeleteDataRepositoryAssociationCommand({ AssociationId: id })));
    expect(early.name).toBe('BadRequest');
    kit.clock.advance(2_000);
    const deleting = await fsx.send(new DeleteDataRepositoryAssociationCommand({ AssociationId: id, DeleteDataInFileSystem: false }));
    expect(deleting).toMatchObject({ AssociationId: id, Lifecycle: 'DELETING', DeleteDataInFileSystem: false });
    kit.clock.advance(1_000);
    const gone = await errorOf(fsx.send(new DescribeDataRepositoryAssociationsCommand({ AssociationIds: [id] })));
    expect(gone.name).toBe('DataRepositoryAssociationNotFound');
  });

  it('removes the linked files with DeleteDataInFileSystem', async () => {
    const { kit, fsx } = setup();
    const fsId = await lustre(kit, fsx);
    const id = (await fsx.send(new CreateDataRepositoryAssociationCommand(dra(fsId, '/data', 's3://bkt-a/data/')))).Association?.AssociationId ?? '';
    kit.clock.advance(2_000);
    const at = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: fsId };
    writeLustreFile(kit.world, at, '/data/linked.txt', 'x');
    writeLustreFile(kit.world, at, '/other/kept.txt', 'y');
    await fsx.send(new DeleteDataRepositoryAssociationCommand({ AssociationId: id, DeleteDataInFileSystem: true }));
    kit.clock.advance(1_000);
    kit.world.advance();
    expect(listLustreFiles(kit.world, at).map((f) => f.path)).toEqual(['/other/kept.txt']);
  });

  it('filters by file system id and pages with NextToken', async () => {
    const { kit, fsx } = setup();
    const one = await lustre(kit, fsx);
    const two = await lustre(kit, fsx);
    for (const i of [1, 2, 3]) await fsx.send(new CreateDataRepositoryAssociationCommand(dra(one, `/d${i}`, `s3://bkt-a/one-${i}/`)));
    await fsx.send(new CreateDataRepositoryAssociationCommand(dra(two, '/d', 's3://bkt-a/two/')));
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await fsx.send(new DescribeDataRepositoryAssociationsCommand({ Filters: [{ Name: 'file-system-id', Values: [one] }], MaxResults: 2, NextToken: token }));
      ids.push(...(page.Associations ?? []).map((a) => a.FileSystemPath ?? ''));
      token = page.NextToken;
    } while (token);
    expect(ids).toEqual(['/d1', '/d2', '/d3']);
    expect((await fsx.send(new DescribeDataRepositoryAssociationsCommand({}))).Associations).toHaveLength(4);
  });
});
