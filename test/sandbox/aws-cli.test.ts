/**
 * The real AWS CLI against the HTTP sandbox. Skips only when `aws` is not installed. The CLI runs as a child
 * process (async, so this process keeps serving it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../src/sandbox/http-server.js';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { createReplicationForTest } from './efs-helpers.js';
import { World } from '../../src/sandbox/world.js';
import { hasAwsCli, runAwsCli } from '../helpers/aws-cli.js';
import { FakeClock } from '../../src/util/clock.js';
import { ACCOUNT_A, REGION_A, REGION_B } from './kit.js';


describe.skipIf(!hasAwsCli)('the real AWS CLI against the sandbox', () => {
  let server: SandboxServer;
  let world: World;
  let clock: FakeClock;
  let source: string;
  let destination: string;

  beforeAll(async () => {
    clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
    world = new World({ clock });
    world.setBaseAccount(ACCOUNT_A);
    source = createFileSystem(world, ACCOUNT_A, REGION_A, { name: 'cli' }).fileSystemId;
    destination = createReplicationForTest(world, { accountId: ACCOUNT_A, region: REGION_A, fileSystemId: source }, REGION_B);
    clock.advance(10 * 60_000);
    server = await startSandboxServer({ world, port: 0 });
  });
  afterAll(async () => server.close());

  const aws = (...args: string[]) => runAwsCli(server.url, REGION_A, args);


  it('sts get-caller-identity', async () => {
    const out = await aws('sts', 'get-caller-identity');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ Account: ACCOUNT_A, Arn: `arn:aws:iam::${ACCOUNT_A}:user/sandbox` });
  });

  it('efs describe-replication-configurations, in both regions, and its not-found error', async () => {
    const fromSource = await aws('efs', 'describe-replication-configurations', '--file-system-id', source);
    expect(fromSource.code).toBe(0);
    const replication = JSON.parse(fromSource.stdout).Replications[0];
    expect(replication.SourceFileSystemId).toBe(source);
    expect(replication.Destinations[0]).toMatchObject({ Status: 'ENABLED', FileSystemId: destination, Region: REGION_B });
    expect(replication.Destinations[0].LastReplicatedTimestamp).toBeDefined();

    const fromDestination = await aws('efs', 'describe-replication-configurations', '--region', REGION_B, '--file-system-id', destination);
    expect(JSON.parse(fromDestination.stdout).Replications[0].SourceFileSystemId).toBe(source);

    const missing = await aws('efs', 'describe-replication-configurations', '--file-system-id', 'fs-0123456789abcdef0');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(FileSystemNotFound)');
  });

  it('cloudwatch get-metric-data for TimeSinceLastSync', async () => {
    const queries = JSON.stringify([
      {
        Id: 'lag',
        MetricStat: {
          Metric: { Namespace: 'AWS/EFS', MetricName: 'TimeSinceLastSync', Dimensions: [{ Name: 'FileSystemId', Value: source }, { Name: 'DestinationFileSystemId', Value: destination }] },
          Period: 60,
          Stat: 'Maximum',
        },
      },
    ]);
    const end = new Date(clock.now()).toISOString();
    const start = new Date(clock.now() - 5 * 60_000).toISOString();
    const out = await aws('cloudwatch', 'get-metric-data', '--metric-data-queries', queries, '--start-time', start, '--end-time', end);
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout).MetricDataResults[0];
    expect(result.Id).toBe('lag');
    expect(result.StatusCode).toBe('Complete');
    expect(result.Values.length).toBe(5);
    for (const v of result.Values) expect(v).toBeLessThanOrEqual(1);
  });
});
