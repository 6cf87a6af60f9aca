import { DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand, DescribeMountTargetsCommand, DescribeReplicationConfigurationsCommand } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { SEEDERS, seedWorldFromRunbooks } from '../../src/sandbox/seed/index.js';
import { listEfsFiles } from '../../src/sandbox/services/efs/files.js';
import { exampleRunbook } from './example-runbook.js';
import { BASE_CREDENTIALS, makeCoreKit } from './kit.js';

const PROD = '111111111111';
const DR = '222222222222';
const PRIMARY = 'fs-0123456789abcdef0';
const SECONDARY = 'fs-0fedcba9876543210';

async function assumed(kit: ReturnType<typeof makeCoreKit>, roleArn: string, externalId?: string) {
  const out = await kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'seed-test', ...(externalId ? { ExternalId: externalId } : {}) }));
  return { accessKeyId: out.Credentials?.AccessKeyId ?? '', secretAccessKey: out.Credentials?.SecretAccessKey ?? '', sessionToken: out.Credentials?.SessionToken ?? '' };
}

describe('seeding a world from runbooks', () => {
  it('has a seeder for efs in the per-type registry', () => {
    expect(typeof SEEDERS.efs).toBe('function');
  });

  it('declares the accounts with their roles and external ids; the base key belongs to the first account', async () => {
    const kit = makeCoreKit();
    seedWorldFromRunbooks(kit.world, [exampleRunbook()]);
    expect((await kit.sts(BASE_CREDENTIALS).send(new GetCallerIdentityCommand({}))).Account).toBe(PROD);
    const dr = await assumed(kit, `arn:aws:iam::${DR}:role/drctl-operator`, 'drctl-dr-7f3a');
    expect((await kit.sts(dr).send(new GetCallerIdentityCommand({}))).Account).toBe(DR);
    const noExternalId = kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${DR}:role/drctl-operator`, RoleSessionName: 'x1' }));
    await expect(noExternalId).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('creates the healthy EFS steady state: replication ENABLED and recent, replica REPLICATING, DR mount targets, replicated files', async () => {
    const kit = makeCoreKit();
    seedWorldFromRunbooks(kit.world, [exampleRunbook()]);
    const prod = kit.efsWith(await assumed(kit, `arn:aws:iam::${PROD}:role/drctl-operator`), 'us-east-1');
    const dr = kit.efsWith(await assumed(kit, `arn:aws:iam::${DR}:role/drctl-operator`, 'drctl-dr-7f3a'), 'us-west-2');

    const primary = (await prod.send(new DescribeFileSystemsCommand({ FileSystemId: PRIMARY }))).FileSystems?.[0];
    expect(primary).toMatchObject({ LifeCycleState: 'available', FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' } });
    const secondary = (await dr.send(new DescribeFileSystemsCommand({ FileSystemId: SECONDARY }))).FileSystems?.[0];
    expect(secondary).toMatchObject({ LifeCycleState: 'available', FileSystemProtection: { ReplicationOverwriteProtection: 'REPLICATING' } });

    const replication = (await prod.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: PRIMARY }))).Replications?.[0];
    const destination = replication?.Destinations?.[0];
    expect(destination).toMatchObject({ Status: 'ENABLED', FileSystemId: SECONDARY, Region: 'us-west-2', RoleArn: `arn:aws:iam::${PROD}:role/efs-replication` });
    expect(kit.clock.now() - (destination?.LastReplicatedTimestamp?.getTime() ?? 0)).toBeLessThanOrEqual(1000);
    expect((await dr.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SECONDARY }))).Replications?.[0]?.SourceFileSystemId).toBe(PRIMARY);

    const mountTargets = (await dr.send(new DescribeMountTargetsCommand({ FileSystemId: SECONDARY }))).MountTargets ?? [];
    expect(mountTargets.map((m) => [m.AvailabilityZoneName, m.LifeCycleState])).toEqual([
      ['us-west-2a', 'available'],
      ['us-west-2b', 'available'],
    ]);

    const primaryFiles = listEfsFiles(kit.world, { accountId: PROD, region: 'us-east-1', fileSystemId: PRIMARY });
    expect(primaryFiles.length).toBeGreaterThan(1);
    expect(listEfsFiles(kit.world, { accountId: DR, region: 'us-west-2', fileSystemId: SECONDARY })).toEqual(primaryFiles);
  });

  it('is idempotent and never re-heals a resource after a failover', async () => {
    const kit = makeCoreKit();
    const runbook = exampleRunbook();
    seedWorldFromRunbooks(kit.world, [runbook]);
    seedWorldFromRunbooks(kit.world, [runbook]);
    const dr = kit.efsWith(await assumed(kit, `arn:aws:iam::${DR}:role/drctl-operator`, 'drctl-dr-7f3a'), 'us-west-2');
    expect((await dr.send(new DescribeFileSystemsCommand({}))).FileSystems).toHaveLength(1);

    await dr.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: PRIMARY }));
    kit.clock.advance(10_000);
    seedWorldFromRunbooks(kit.world, [runbook]);
    await expect(dr.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SECONDARY }))).rejects.toMatchObject({ name: 'ReplicationNotFound' });
  });

  it('uses declared DR availability zones for mount targets', async () => {
    const kit = makeCoreKit();
    const runbook = exampleRunbook();
    const resource = runbook.filesystems['efs-prod'];
    if (resource?.type !== 'efs') throw new Error('example changed');
    resource.mountTargets.availabilityZones = ['us-west-2b', 'us-west-2c', 'us-west-2d'];
    seedWorldFromRunbooks(kit.world, [runbook]);
    const dr = kit.efsWith(await assumed(kit, `arn:aws:iam::${DR}:role/drctl-operator`, 'drctl-dr-7f3a'), 'us-west-2');
    const zones = ((await dr.send(new DescribeMountTargetsCommand({ FileSystemId: SECONDARY }))).MountTargets ?? []).map((m) => m.AvailabilityZoneName);
    expect(zones).toEqual(['us-west-2b', 'us-west-2c', 'us-west-2d']);
  });
});
