import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteReplicationConfigurationCommand, DescribeReplicationConfigurationsCommand, EFSClient } from '@aws-sdk/client-efs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorld, saveWorld } from '../../src/sandbox/persistence.js';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { writeEfsFile } from '../../src/sandbox/services/efs/files.js';
import { openSandbox, runSandboxServer } from '../../src/sandbox/session.js';
import { World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';
import { exampleRunbook } from './example-runbook.js';
import { createReplicationForTest } from './efs-helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drctl-sandbox-'));
});

describe('saveWorld / loadWorld', () => {
  it('round-trips the whole world and continues the same state machines after a restart', async () => {
    const clock = new FakeClock();
    const world = new World({ clock, seed: 9 });
    const fs = createFileSystem(world, '111111111111', 'us-east-1', {});
    const replica = createReplicationForTest(world, { accountId: '111111111111', region: 'us-east-1', fileSystemId: fs.fileSystemId }, 'eu-west-1');
    writeEfsFile(world, { accountId: '111111111111', region: 'us-east-1', fileSystemId: fs.fileSystemId }, '/a.txt', 'a');
    world.faults.add({ kind: 'throttle', count: 3 });
    const file = join(dir, 'nested', 'world.json');
    await saveWorld(world, file);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['world.json']);

    const restartedClock = new FakeClock(clock.now());
    const loaded = await loadWorld(file, restartedClock);
    expect(loaded?.data).toEqual(JSON.parse(JSON.stringify(world.data)));
    expect(loaded?.newId('fs-')).toBe(world.newId('fs-'));
    restartedClock.advance(10_000);
    loaded?.advance();
    const state = loaded?.data.services['efs']?.['111111111111']?.['eu-west-1'] as { fileSystems: Record<string, { files: Record<string, unknown>; lifeCycleState: string }> };
    expect(state.fileSystems[replica]?.lifeCycleState).toBe('available');
    expect(Object.keys(state.fileSystems[replica]?.files ?? {})).toEqual(['/a.txt']);
  });

  it('returns undefined for a missing file and explains a corrupt or foreign one', async () => {
    expect(await loadWorld(join(dir, 'none.json'), new FakeClock())).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{not json');
    await expect(loadWorld(join(dir, 'bad.json'), new FakeClock())).rejects.toThrow(/not valid JSON.*drctl sandbox reset/);
    writeFileSync(join(dir, 'other.json'), '{"hello":1}');
    await expect(loadWorld(join(dir, 'other.json'), new FakeClock())).rejects.toThrow(/not a drctl sandbox world/);
  });
});

describe('openSandbox (the CLI --sandbox session)', () => {
  it('seeds from the runbooks on first use and keeps the world between commands', async () => {
    const stateFile = join(dir, '.drctl', 'sandbox', 'world.json');
    const clock = new FakeClock();
    const first = await openSandbox({ stateFile, runbooks: [exampleRunbook()], clock });
    // A long-lived key for the DR account, so the test talks to the DR region directly.
    first.world.addCredentials({ accessKeyId: 'AKIDDR', secretAccessKey: 'x', accountId: '222222222222', arn: 'arn:aws:iam::222222222222:user/t', userId: 'AIDADR' });
    const efs = (handler: unknown) =>
      new EFSClient({
        region: 'us-west-2',
        endpoint: 'http://sandbox.local',
        requestHandler: handler as EFSClient['config']['requestHandler'],
        credentials: { accessKeyId: 'AKIDDR', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
    await efs(first.handler).send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: 'fs-0123456789abcdef0' }));
    await first.save();

    clock.advance(5000);
    const second = await openSandbox({ stateFile, runbooks: [exampleRunbook()], clock });
    const error = await efs(second.handler).send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-0fedcba9876543210' })).catch((e: Error) => e);
    expect((error as Error).name).toBe('ReplicationNotFound');
  });

  it('applies a scenario to a new world (settings and faults)', async () => {
    const session = await openSandbox({
      runbooks: [exampleRunbook()],
      clock: new FakeClock(),
      scenario: { seed: 4, accounts: [], settings: { 'efs.deleting': 60_000 }, faults: [{ kind: 'region-down', region: 'us-east-1' }] },
    });
    expect(session.world.duration('efs.deleting')).toBe(60_000);
    expect(session.world.faults.isRegionDown('us-east-1')).toBe(true);
    expect(session.world.data.seed).toBe(4);
  });
});

describe('runSandboxServer (drctl sandbox)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('serves the seeded world, prints the environment for AWS tools and saves the world on close', async () => {
    const stateFile = join(dir, 'world.json');
    const scenarioFile = join(dir, 'scenario.yaml');
    writeFileSync(scenarioFile, 'seed: 7\nsettings:\n  efs.enabling: 5s\n  efs.disabledIsReadOnly: true\nfaults:\n  - kind: throttle\n    count: 1\n    match: { service: efs }\n');
    const running = await runSandboxServer({ runbooks: [exampleRunbook()], port: 0, stateFile, scenarioFile, clock: new FakeClock() });
    close = running.close;
    expect(running.env).toMatchObject({
      AWS_ENDPOINT_URL: running.url,
      AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
      AWS_SECRET_ACCESS_KEY: 'sandbox',
      AWS_REGION: 'us-east-1',
      HTTP_PROXY: running.url,
    });
    expect(running.world.duration('efs.enabling')).toBe(5000);
    expect(running.world.duration('efs.disabledIsReadOnly')).toBe(1);
    const sts = new STSClient({ region: 'us-east-1', endpoint: running.url, credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111111111111');
    await running.close();
    close = undefined;
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { seed: number; faults: unknown[] };
    expect(saved.seed).toBe(7);
    expect(saved.faults).toHaveLength(1);
  });

  it('rejects an invalid scenario file with the field that is wrong', async () => {
    const scenarioFile = join(dir, 'bad.yaml');
    writeFileSync(scenarioFile, 'settings:\n  efs.enabling: soon\nfaults:\n  - kind: meteor\n');
    await expect(runSandboxServer({ runbooks: [], port: 0, scenarioFile })).rejects.toThrow(/settings\.efs\.enabling[\s\S]*faults\.0/);
  });
});
