import { CreateReplicationConfigurationCommand, DeleteReplicationConfigurationCommand, DescribeReplicationConfigurationsCommand } from '@aws-sdk/client-efs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../src/sandbox/http-server.js';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { deleteEfsFile, listEfsFiles, readEfsFile, writeEfsFile } from '../../src/sandbox/services/efs/files.js';
import { World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';
import { ACCOUNT_A, makeCoreKit, REGION_A, REGION_B, type CoreKit } from './kit.js';

describe('sandbox EFS data plane (in process)', () => {
  let kit: CoreKit;
  let primary: { accountId: string; region: string; fileSystemId: string };
  let replica: { accountId: string; region: string; fileSystemId: string };

  beforeEach(async () => {
    kit = makeCoreKit();
    kit.world.setDuration('efs.syncInterval', 5000);
    const fs = createFileSystem(kit.world, ACCOUNT_A, REGION_A, { files: { '/seed.txt': 'seed' } });
    primary = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: fs.fileSystemId };
    const out = await kit.efs(ACCOUNT_A, REGION_A).send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: fs.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    replica = { accountId: ACCOUNT_A, region: REGION_B, fileSystemId: out.Destinations?.[0]?.FileSystemId ?? '' };
  });

  it('carries the file tree in the initial sync and a later write once LastReplicatedTimestamp passes it', async () => {
    kit.clock.advance(3000); // ENABLING (2 s) + initial sync (1 s)
    expect(readEfsFile(kit.world, replica, '/seed.txt')?.content).toBe('seed');

    kit.clock.advance(1000);
    const canary = writeEfsFile(kit.world, primary, '/canary/drill.txt', 'run-42');
    expect(readEfsFile(kit.world, replica, '/canary/drill.txt')).toBeUndefined();
    kit.clock.advance(3999); // the next sync is 5 s after the initial one
    expect(readEfsFile(kit.world, replica, '/canary/drill.txt')).toBeUndefined();
    kit.clock.advance(1);
    const arrived = readEfsFile(kit.world, replica, '/canary/drill.txt');
    expect(arrived).toEqual({ path: '/canary/drill.txt', content: 'run-42', mtime: canary.mtime });
    const described = await kit.efs(ACCOUNT_A, REGION_B).send(new DescribeReplicationConfigurationsCommand({ FileSystemId: replica.fileSystemId }));
    expect(described.Replications?.[0]?.Destinations?.[0]?.LastReplicatedTimestamp?.getTime()).toBeGreaterThanOrEqual(canary.mtime);
  });

  it('replicates deletions and honours the configured lag', async () => {
    kit.world.setDuration('efs.syncLag', 2000);
    kit.clock.advance(3000);
    writeEfsFile(kit.world, primary, '/a.txt', 'a');
    kit.clock.advance(5000); // sync at +5 s carries changes older than 2 s: a.txt (written 5 s ago)
    expect(readEfsFile(kit.world, replica, '/a.txt')?.content).toBe('a');
    kit.clock.advance(4000);
    deleteEfsFile(kit.world, primary, '/a.txt');
    kit.clock.advance(1000); // sync at +10 s: the deletion is only 1 s old, within the lag
    expect(readEfsFile(kit.world, replica, '/a.txt')?.content).toBe('a');
    kit.clock.advance(5000);
    expect(readEfsFile(kit.world, replica, '/a.txt')).toBeUndefined();
    expect(listEfsFiles(kit.world, replica).map((f) => f.path)).toEqual(['/seed.txt']);
  });

  it('refuses writes to a replication destination and allows them after failover', async () => {
    kit.clock.advance(5000);
    expect(() => writeEfsFile(kit.world, replica, '/x.txt', 'x')).toThrow(/REPLICATING/);
    await kit.efs(ACCOUNT_A, REGION_B).send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primary.fileSystemId }));
    kit.clock.advance(2000);
    expect(writeEfsFile(kit.world, replica, '/x.txt', 'x').path).toBe('/x.txt');
  });

  it('stops carrying changes while the source region is down and catches up when it returns', async () => {
    kit.clock.advance(3000);
    writeEfsFile(kit.world, primary, '/before.txt', '1');
    kit.world.faults.setRegionDown(REGION_A);
    kit.clock.advance(60_000);
    expect(readEfsFile(kit.world, replica, '/before.txt')).toBeUndefined();
    kit.world.faults.setRegionDown(REGION_A, false);
    expect(readEfsFile(kit.world, replica, '/before.txt')?.content).toBe('1');
  });

  it('can be configured to treat protection DISABLED as read-only (documented uncertainty)', () => {
    const free = createFileSystem(kit.world, ACCOUNT_A, REGION_A, { protection: 'DISABLED' });
    const at = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: free.fileSystemId };
    expect(writeEfsFile(kit.world, at, '/ok.txt', 'ok').path).toBe('/ok.txt');
    kit.world.setDuration('efs.disabledIsReadOnly', 1);
    expect(() => writeEfsFile(kit.world, at, '/no.txt', 'no')).toThrow(/DISABLED/);
  });
});

describe('sandbox EFS data plane over HTTP', () => {
  let server: SandboxServer;
  let world: World;
  afterEach(async () => server.close());

  it('PUT, GET, list and DELETE files under /_sandbox/efs/<fs-id>/files', async () => {
    world = new World({ clock: new FakeClock() });
    const fs = createFileSystem(world, ACCOUNT_A, REGION_A, {});
    server = await startSandboxServer({ world, port: 0 });
    const base = `${server.url}/_sandbox/efs/${fs.fileSystemId}/files`;

    const put = await fetch(`${base}/canary/drill.txt?account=${ACCOUNT_A}&region=${REGION_A}`, { method: 'PUT', body: 'hello' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ path: '/canary/drill.txt' });

    const got = await fetch(`${base}/canary/drill.txt`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello');
    expect(got.headers.get('x-sandbox-mtime')).toBe(String(world.now()));

    const listed = (await (await fetch(`${base}?prefix=/canary`)).json()) as { files: Array<{ path: string }> };
    expect(listed.files.map((f) => f.path)).toEqual(['/canary/drill.txt']);

    expect((await fetch(`${base}/canary/drill.txt`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${base}/canary/drill.txt`)).status).toBe(404);
    const wrongAccount = await fetch(`${base}/x?account=999999999999`);
    expect(wrongAccount.status).toBe(404);
    expect(((await wrongAccount.json()) as { code: string }).code).toBe('FileSystemNotFound');
  });

  it('answers 409 ReadOnlyFileSystem for a write to a replication destination', async () => {
    world = new World({ clock: new FakeClock() });
    const fs = createFileSystem(world, ACCOUNT_A, REGION_B, { protection: 'REPLICATING' });
    server = await startSandboxServer({ world, port: 0 });
    const response = await fetch(`${server.url}/_sandbox/efs/${fs.fileSystemId}/files/x.txt`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('ReadOnlyFileSystem');
    expect(body.message).toContain(fs.fileSystemId);
  });
});

describe('sandbox EFS data plane and faults over time', () => {
  it('a region going down at T keeps the syncs that happened before T, even without requests in between', async () => {
    const kit = makeCoreKit();
    const fs = createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    const primary = { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: fs.fileSystemId };
    const out = await kit.efs(ACCOUNT_A, REGION_A).send(new CreateReplicationConfigurationCommand({ SourceFileSystemId: fs.fileSystemId, Destinations: [{ Region: REGION_B }] }));
    const replica = { accountId: ACCOUNT_A, region: REGION_B, fileSystemId: out.Destinations?.[0]?.FileSystemId ?? '' };
    kit.clock.advance(3000);
    writeEfsFile(kit.world, primary, '/early.txt', 'e');
    kit.clock.advance(30_000); // no requests: the sync ticks are only due lazily
    kit.world.faults.setRegionDown(REGION_A);
    kit.clock.advance(30_000);
    expect(readEfsFile(kit.world, replica, '/early.txt')?.content).toBe('e');
  });
});
