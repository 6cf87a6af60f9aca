/**
 * FSx data repository tasks through the real FSx client: export, import and release move or mark files, report
 * counts and failure reports; concurrency with other tasks and with automatic export; cancellation.
 */
import {
  CancelDataRepositoryTaskCommand,
  CreateDataRepositoryAssociationCommand,
  CreateDataRepositoryTaskCommand,
  CreateFileSystemCommand,
  DescribeDataRepositoryTasksCommand,
  type CreateDataRepositoryTaskCommandInput,
  type FSxClient,
} from '@aws-sdk/client-fsx';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { FSX_CONDITIONS, listLustreFiles, readLustreFile, writeLustreFile, type LustreLocator } from '../../src/sandbox/services/fsx/index.js';
import { destroyBucket, ensureBucket, readObject, writeObject } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, REGION_A, errorOf, makeKit, rawRequest, type Kit } from './s3-kit.js';

interface Setup {
  kit: Kit;
  fsx: FSxClient;
  at: LustreLocator;
}

/** A Lustre file system with files written before its /data ↔ s3://bkt-a/data/ link (no automatic sync). */
async function setup(options: { autoExport?: boolean; batchImport?: boolean } = {}): Promise<Setup> {
  const kit = makeKit();
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
  const fsx = kit.fsx(ACCOUNT_A, REGION_A);
  const { FileSystem } = await fsx.send(
    new CreateFileSystemCommand({ FileSystemType: 'LUSTRE', StorageCapacity: 1200, SubnetIds: ['s'], LustreConfiguration: { DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125 } }),
  );
  const at = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: FileSystem?.FileSystemId ?? '' };
  kit.clock.advance(5_000);
  writeLustreFile(kit.world, at, '/data/a.txt', 'alpha');
  writeLustreFile(kit.world, at, '/data/sub/b.txt', 'beta');
  writeObject(kit.world, 'bkt-a', 'data/from-s3.txt', 'in the bucket before the link');
  kit.clock.advance(1_000);
  await fsx.send(
    new CreateDataRepositoryAssociationCommand({
      FileSystemId: at.fileSystemId,
      FileSystemPath: '/data',
      DataRepositoryPath: 's3://bkt-a/data/',
      BatchImportMetaDataOnCreate: options.batchImport ?? false,
      ...(options.autoExport ? { S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } } } : {}),
    }),
  );
  kit.clock.advance(2_000);
  return { kit, fsx, at };
}

function task(at: LustreLocator, type: CreateDataRepositoryTaskCommandInput['Type'], extra: Partial<CreateDataRepositoryTaskCommandInput> = {}): CreateDataRepositoryTaskCommandInput {
  return { FileSystemId: at.fileSystemId, Type: type, Report: { Enabled: false }, ...extra };
}

async function describeTask(fsx: FSxClient, taskId: string) {
  return (await fsx.send(new DescribeDataRepositoryTasksCommand({ TaskIds: [taskId] }))).DataRepositoryTasks?.[0];
}

describe('FSx data repository tasks', () => {
  it('exports files not yet in S3: PENDING → EXECUTING → SUCCEEDED with counts', async () => {
    const { kit, fsx, at } = await setup();
    const { DataRepositoryTask } = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { ClientRequestToken: 'drctl-r1-export' })));
    expect(DataRepositoryTask).toMatchObject({ Lifecycle: 'PENDING', Type: 'EXPORT_TO_REPOSITORY', FileSystemId: at.fileSystemId });
    expect(DataRepositoryTask?.TaskId).toMatch(/^task-[0-9a-f]{17}$/);
    const id = DataRepositoryTask?.TaskId ?? '';
    kit.clock.advance(500);
    const executing = await describeTask(fsx, id);
    expect(executing?.Lifecycle).toBe('EXECUTING');
    expect(executing?.Status).toMatchObject({ TotalCount: 2, SucceededCount: 0, FailedCount: 0 });
    kit.clock.advance(2_000);
    const done = await describeTask(fsx, id);
    expect(done).toMatchObject({ Lifecycle: 'SUCCEEDED', Status: { TotalCount: 2, SucceededCount: 2, FailedCount: 0 } });
    expect(done?.EndTime?.getTime()).toBe(kit.clock.now());
    expect(readObject(kit.world, 'bkt-a', 'data/sub/b.txt')?.text).toBe('beta');
    // The same token and request names the same task.
    const again = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { ClientRequestToken: 'drctl-r1-export' })));
    expect(again.DataRepositoryTask?.TaskId).toBe(id);
  });

  it('exports only the requested paths (relative to the mount point), and fails the task for a path that does not exist', async () => {
    const { kit, fsx, at } = await setup();
    const { DataRepositoryTask } = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Paths: ['data/sub'] })));
    kit.clock.advance(5_000);
    expect((await describeTask(fsx, DataRepositoryTask?.TaskId ?? ''))?.Status?.SucceededCount).toBe(1);
    expect(readObject(kit.world, 'bkt-a', 'data/a.txt')).toBeUndefined();
    // A linked directory exists (linking creates it) even while it holds no file.
    await fsx.send(new CreateDataRepositoryAssociationCommand({ FileSystemId: at.fileSystemId, FileSystemPath: '/empty', DataRepositoryPath: 's3://bkt-a/empty/' }));
    kit.clock.advance(2_000);
    const empty = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Paths: ['empty'] })));
    kit.clock.advance(5_000);
    expect(await describeTask(fsx, empty.DataRepositoryTask?.TaskId ?? '')).toMatchObject({ Lifecycle: 'SUCCEEDED', Status: { TotalCount: 0 } });
    const bad = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Paths: ['data/nope'] })));
    kit.clock.advance(5_000);
    const failed = await describeTask(fsx, bad.DataRepositoryTask?.TaskId ?? '');
    expect(failed?.Lifecycle).toBe('FAILED');
    expect(failed?.FailureDetails?.Message).toContain('data/nope');
  });

  it('fails with counts and writes a failures.csv report when files cannot be exported', async () => {
    const { kit, fsx, at } = await setup();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-reports', versioning: 'Enabled' });
    await fsx.send(new CreateDataRepositoryAssociationCommand({ FileSystemId: at.fileSystemId, FileSystemPath: '/reports', DataRepositoryPath: 's3://bkt-reports/' }));
    kit.clock.advance(2_000);
    destroyBucket(kit.world, 'bkt-a');
    const { DataRepositoryTask } = await fsx.send(
      new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Report: { Enabled: true, Path: 's3://bkt-reports/drctl', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' } })),
    );
    const id = DataRepositoryTask?.TaskId ?? '';
    kit.clock.advance(5_000);
    const failed = await describeTask(fsx, id);
    expect(failed).toMatchObject({ Lifecycle: 'FAILED', Status: { TotalCount: 2, SucceededCount: 0, FailedCount: 2 } });
    expect(failed?.FailureDetails?.Message).toContain(`s3://bkt-reports/drctl/${id}/failures.csv`);
    const report = await kit.s3(ACCOUNT_A, REGION_A).send(new GetObjectCommand({ Bucket: 'bkt-reports', Key: `drctl/${id}/failures.csv` }));
    expect(await report.Body?.transformToString()).toBe('"data/a.txt","FAILED","S3_BUCKET_NOT_FOUND"\r\n"data/sub/b.txt","FAILED","S3_BUCKET_NOT_FOUND"\r\n');
  });

  it('refuses a report path outside the linked repositories', async () => {
    const { fsx, at } = await setup();
    const error = await errorOf(
      fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Report: { Enabled: true, Path: 's3://elsewhere/r', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' } }))),
    );
    expect(error.name).toBe('BadRequest');
  });

  it('imports objects the file system has not seen (including ones from before the link)', async () => {
    const { kit, fsx, at } = await setup();
    writeObject(kit.world, 'bkt-a', 'data/new/c.txt', 'gamma');
    const { DataRepositoryTask } = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'IMPORT_METADATA_FROM_REPOSITORY', { Paths: ['s3://bkt-a/data/'] })));
    kit.clock.advance(5_000);
    expect((await describeTask(fsx, DataRepositoryTask?.TaskId ?? ''))).toMatchObject({ Lifecycle: 'SUCCEEDED', Status: { TotalCount: 2, SucceededCount: 2 } });
    expect(readLustreFile(kit.world, at, '/data/from-s3.txt')?.content).toBe('in the bucket before the link');
    expect(readLustreFile(kit.world, at, '/data/new/c.txt')?.content).toBe('gamma');
    const outside = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'IMPORT_METADATA_FROM_REPOSITORY', { Paths: ['s3://other-bucket/x/'] })));
    kit.clock.advance(5_000);
    expect((await describeTask(fsx, outside.DataRepositoryTask?.TaskId ?? ''))?.Lifecycle).toBe('FAILED');
  });

  it('runs an import after the association is created when BatchImportMetaDataOnCreate is set', async () => {
    const { kit, fsx, at } = await setup({ batchImport: true });
    const tasks = (await fsx.send(new DescribeDataRepositoryTasksCommand({ Filters: [{ Name: 'file-system-id', Values: [at.fileSystemId] }] }))).DataRepositoryTasks ?? [];
    expect(tasks.map((t) => [t.Type, t.Lifecycle])).toEqual([['IMPORT_METADATA_FROM_REPOSITORY', 'PENDING']]);
    kit.clock.advance(5_000);
    expect(readLustreFile(kit.world, at, '/data/from-s3.txt')?.content).toBe('in the bucket before the link');
  });

  it('releases exported files only', async () => {
    const { kit, fsx, at } = await setup();
    await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY', { Paths: ['data/a.txt'] })));
    kit.clock.advance(5_000);
    const { DataRepositoryTask } = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'RELEASE_DATA_FROM_FILESYSTEM', { Paths: ['/'] })));
    kit.clock.advance(5_000);
    expect((await describeTask(fsx, DataRepositoryTask?.TaskId ?? ''))).toMatchObject({ Lifecycle: 'SUCCEEDED', Status: { SucceededCount: 1 } });
    expect(listLustreFiles(kit.world, at, '/data').map((f) => [f.path, f.released ?? false])).toEqual([
      ['/data/a.txt', true],
      ['/data/sub/b.txt', false],
    ]);
  });

  it('refuses a second task while one is pending or executing, unless the scenario queues tasks', async () => {
    const { kit, fsx, at } = await setup();
    const first = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY')));
    const refused = await errorOf(fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'IMPORT_METADATA_FROM_REPOSITORY'))));
    expect(refused.name).toBe('DataRepositoryTaskExecuting');
    expect(refused.message).toContain(first.DataRepositoryTask?.TaskId ?? '?');

    kit.world.faults.add({ kind: 'condition', name: FSX_CONDITIONS.queueConcurrentTasks });
    const queued = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'IMPORT_METADATA_FROM_REPOSITORY')));
    expect(queued.DataRepositoryTask?.Lifecycle).toBe('PENDING');
    kit.clock.advance(2_500);
    expect((await describeTask(fsx, first.DataRepositoryTask?.TaskId ?? ''))?.Lifecycle).toBe('SUCCEEDED');
    // It waited PENDING behind the first one and starts as soon as that one ends.
    expect((await describeTask(fsx, queued.DataRepositoryTask?.TaskId ?? ''))?.Lifecycle).toBe('EXECUTING');
    kit.clock.advance(1_999);
    expect((await describeTask(fsx, queued.DataRepositoryTask?.TaskId ?? ''))?.Lifecycle).toBe('EXECUTING');
    kit.clock.advance(1);
    expect((await describeTask(fsx, queued.DataRepositoryTask?.TaskId ?? ''))?.Lifecycle).toBe('SUCCEEDED');
  });

  it('refuses an export task while automatic export is in flight', async () => {
    const { kit, fsx, at } = await setup({ autoExport: true });
    writeLustreFile(kit.world, at, '/data/hot.txt', 'just written');
    const refused = await errorOf(fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY'))));
    expect(refused.name).toBe('DataRepositoryTaskExecuting');
    expect(refused.message).toContain('Automatic export');
    kit.clock.advance(1_000);
    const accepted = await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY')));
    expect(accepted.DataRepositoryTask?.Lifecycle).toBe('PENDING');
  });

  it('cancels a task (CANCELING → CANCELED) and answers DataRepositoryTaskEnded once it is over', async () => {
    const { kit, fsx, at } = await setup();
    const id = (await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY')))).DataRepositoryTask?.TaskId ?? '';
    expect(await fsx.send(new CancelDataRepositoryTaskCommand({ TaskId: id }))).toMatchObject({ TaskId: id, Lifecycle: 'CANCELING' });
    kit.clock.advance(500);
    expect((await describeTask(fsx, id))?.Lifecycle).toBe('CANCELED');
    expect(readObject(kit.world, 'bkt-a', 'data/a.txt')).toBeUndefined();
    expect((await errorOf(fsx.send(new CancelDataRepositoryTaskCommand({ TaskId: id })))).name).toBe('DataRepositoryTaskEnded');
    expect((await errorOf(fsx.send(new CancelDataRepositoryTaskCommand({ TaskId: 'task-00000000000000000' })))).name).toBe('DataRepositoryTaskNotFound');
  });

  it('filters tasks by lifecycle', async () => {
    const { kit, fsx, at } = await setup();
    const done = (await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'EXPORT_TO_REPOSITORY')))).DataRepositoryTask?.TaskId;
    kit.clock.advance(5_000);
    const running = (await fsx.send(new CreateDataRepositoryTaskCommand(task(at, 'IMPORT_METADATA_FROM_REPOSITORY')))).DataRepositoryTask?.TaskId;
    const active = await fsx.send(
      new DescribeDataRepositoryTasksCommand({ Filters: [{ Name: 'file-system-id', Values: [at.fileSystemId] }, { Name: 'task-lifecycle', Values: ['PENDING', 'EXECUTING'] }] }),
    );
    expect(active.DataRepositoryTasks?.map((t) => t.TaskId)).toEqual([running]);
    const all = await fsx.send(new DescribeDataRepositoryTasksCommand({}));
    expect(all.DataRepositoryTasks?.map((t) => t.TaskId)).toEqual([running, done]);
  });

  it('exposes the file tree over the private data plane', async () => {
    const { kit, at } = await setup();
    const base = `/_sandbox/fsx/${at.fileSystemId}/files`;
    const put = await rawRequest(kit, { method: 'PUT', path: `${base}/data/canary.txt`, body: 'drill' }, ACCOUNT_A, REGION_A);
    expect(put.status).toBe(200);
    const get = await rawRequest(kit, { method: 'GET', path: `${base}/data/canary.txt` }, ACCOUNT_A, REGION_A);
    expect(String(get.body)).toBe('drill');
    const list = await rawRequest(kit, { method: 'GET', path: base, query: { prefix: ['/data/sub'] } }, ACCOUNT_A, REGION_A);
    expect(JSON.parse(String(list.body)).files.map((f: { path: string }) => f.path)).toEqual(['/data/sub/b.txt']);
    expect((await rawRequest(kit, { method: 'DELETE', path: `${base}/data/canary.txt` }, ACCOUNT_A, REGION_A)).status).toBe(204);
    expect((await rawRequest(kit, { method: 'GET', path: `${base}/data/canary.txt` }, ACCOUNT_A, REGION_A)).status).toBe(404);
  });
});
