// The sandbox must not be the bottleneck of a runbook over many resources: 1000 EFS replication pairs seeded,
// then described, deleted (failover), and re-created in the other direction (failback) through real SDK
// clients on the in-process handler. Reports ops/s for the whole call and for the emulator's share alone.
import { CreateReplicationConfigurationCommand, DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand, EFSClient, UpdateFileSystemProtectionCommand } from '@aws-sdk/client-efs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessHandler } from '../dist/sandbox/in-process.js';
import { loadWorld, saveWorld } from '../dist/sandbox/persistence.js';
import { seedWorldFromRunbooks } from '../dist/sandbox/seed/index.js';
import { World } from '../dist/sandbox/world.js';
import { FakeClock } from '../dist/util/clock.js';

export const title = 'sandbox: 1000 EFS replication pairs through the in-process handler';

const PAIRS = Number(process.env.BENCH_EFS_PAIRS ?? 1000);
const PROD = '111111111111';
const DR = '222222222222';
const hex = (n, width) => n.toString(16).padStart(width, '0');

function syntheticRunbook() {
  const filesystems = {};
  for (let i = 0; i < PAIRS; i++) {
    filesystems[`fs-${i}`] = {
      type: 'efs',
      primary: { account: 'prod', fileSystemId: `fs-a${hex(i, 16)}` },
      secondary: { account: 'dr', fileSystemId: `fs-b${hex(i, 16)}` },
      replication: { roleArn: `arn:aws:iam::${PROD}:role/efs-replication` },
      mountTargets: { minAvailabilityZones: 2 },
    };
  }
  return {
    version: 1,
    accounts: { prod: { id: PROD, region: 'us-east-1' }, dr: { id: DR, region: 'us-west-2' } },
    filesystems,
  };
}

/** Times each call of `body(i)` for i in [0, n) and the emulator's own time per call. */
async function measure(report, label, n, timing, body) {
  timing.emulatorMs = 0;
  const latencies = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await body(i);
    latencies.push(performance.now() - t);
  }
  const totalMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
  report(
    `${label.padEnd(34)} ${String(n).padStart(5)} calls  ${(n / (totalMs / 1000)).toFixed(0).padStart(6)} ops/s  ` +
      `p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  emulator ${(n / (timing.emulatorMs / 1000)).toFixed(0)} ops/s`,
  );
}

function memory(report, label) {
  const { heapUsed, rss } = process.memoryUsage();
  report(`${label.padEnd(34)} heap ${(heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(rss / 2 ** 20).toFixed(1)} MiB`);
}

export async function run(report) {
  const clock = new FakeClock();
  const world = new World({ clock });
  memory(report, 'before seeding');
  let t = performance.now();
  seedWorldFromRunbooks(world, [syntheticRunbook()]);
  report(`seeded ${PAIRS} pairs in ${(performance.now() - t).toFixed(0)} ms`);
  memory(report, 'after seeding');

  world.addCredentials({ accessKeyId: 'AKIDPROD', secretAccessKey: 's', accountId: PROD, arn: `arn:aws:iam::${PROD}:user/b`, userId: 'AIDAP' });
  world.addCredentials({ accessKeyId: 'AKIDDR', secretAccessKey: 's', accountId: DR, arn: `arn:aws:iam::${DR}:user/b`, userId: 'AIDAD' });
  const handler = new InProcessHandler(world);
  const timing = { emulatorMs: 0 };
  const route = handler.router.handle;
  handler.router.handle = async (request) => {
    const start = performance.now();
    try {
      return await route(request);
    } finally {
      timing.emulatorMs += performance.now() - start;
    }
  };
  const client = (key, region) =>
    new EFSClient({ region, endpoint: 'http://sandbox.local', requestHandler: handler, credentials: { accessKeyId: key, secretAccessKey: 's' }, maxAttempts: 1 });
  const prod = client('AKIDPROD', 'us-east-1');
  const dr = client('AKIDDR', 'us-west-2');
  const primary = (i) => `fs-a${hex(i, 16)}`;
  const secondary = (i) => `fs-b${hex(i, 16)}`;

  await measure(report, 'DescribeFileSystems (by id)', PAIRS, timing, (i) => prod.send(new DescribeFileSystemsCommand({ FileSystemId: primary(i) })));
  await measure(report, 'DescribeReplicationConfigurations', PAIRS, timing, (i) => dr.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: secondary(i) })));
  await measure(report, 'DeleteReplicationConfiguration', PAIRS, timing, (i) => dr.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: primary(i) })));
  clock.advance(10_000);
  await measure(report, 'UpdateFileSystemProtection', PAIRS, timing, (i) =>
    prod.send(new UpdateFileSystemProtectionCommand({ FileSystemId: primary(i), ReplicationOverwriteProtection: 'DISABLED' })),
  );
  await measure(report, 'CreateReplicationConfiguration', PAIRS, timing, (i) =>
    dr.send(
      new CreateReplicationConfigurationCommand({
        SourceFileSystemId: secondary(i),
        Destinations: [{ Region: 'us-east-1', FileSystemId: `arn:aws:elasticfilesystem:us-east-1:${PROD}:file-system/${primary(i)}`, RoleArn: `arn:aws:iam::${DR}:role/efs-replication` }],
      }),
    ),
  );
  clock.advance(10_000);
  await measure(report, 'DescribeReplicationConfigurations', PAIRS, timing, (i) => prod.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: primary(i) })));
  memory(report, 'after the round trip');

  const dir = mkdtempSync(join(tmpdir(), 'drctl-bench-'));
  const file = join(dir, 'world.json');
  t = performance.now();
  await saveWorld(world, file);
  const saveMs = performance.now() - t;
  t = performance.now();
  await loadWorld(file, clock);
  report(`saveWorld ${saveMs.toFixed(0)} ms, loadWorld ${(performance.now() - t).toFixed(0)} ms, file ${(statSync(file).size / 2 ** 20).toFixed(2)} MiB`);
  rmSync(dir, { recursive: true, force: true });
}
