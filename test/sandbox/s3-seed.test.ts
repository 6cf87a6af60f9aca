/**
 * Seeding `s3` and `fsx-lustre` resources from runbooks: the steady state their runbooks expect, checked through
 * the real SDK clients.
 */
import {
  DescribeDataRepositoryAssociationsCommand,
  DescribeFileSystemsCommand,
} from '@aws-sdk/client-fsx';
import { GetBucketReplicationCommand, GetBucketVersioningCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { SEEDERS, seedWorldFromRunbooks } from '../../src/sandbox/seed/index.js';
import { listLustreFiles, writeLustreFile } from '../../src/sandbox/services/fsx/index.js';
import { readObject } from '../../src/sandbox/services/s3/index.js';
import { errorOf, makeKit } from './s3-kit.js';

const PROD = '111111111111';
const DR = '222222222222';

function runbook(filesystems: string): Runbook {
  const text = `version: 1
name: storage
accounts:
  prod: { id: '${PROD}', region: us-east-1 }
  dr: { id: '${DR}', region: us-west-2 }
filesystems:
${filesystems}`;
  const result = parseRunbook(text, 'storage.yaml');
  if (!result.ok) throw new Error(`test runbook invalid: ${JSON.stringify(result.diagnostics, null, 2)}`);
  return result.runbook;
}

const S3_RESOURCE = `  media:
    type: s3
    primary: { account: prod, bucket: media-prod }
    secondary: { account: dr, bucket: media-dr }
    replication:
      roleArn: arn:aws:iam::${PROD}:role/replication
      reverseRoleArn: arn:aws:iam::${DR}:role/replication
      prefix: media/
`;

function lustreResource(secondary: string): string {
  return `  lustre:
    type: fsx-lustre
    primary:
      account: prod
      fileSystemId: fs-0123456789abcdef0
      associations:
        - { fileSystemPath: /data, bucket: lustre-prod, prefix: data/ }
    secondary:
${secondary}
    replication:
      roleArn: arn:aws:iam::${PROD}:role/replication
      reverseRoleArn: arn:aws:iam::${DR}:role/replication
`;
}

const EXISTING_DR = `      account: dr
      fileSystemId: fs-0fedcba9876543210
      associations:
        - { fileSystemPath: /data, bucket: lustre-dr, prefix: data/ }`;

const PILOT_LIGHT = `      account: dr
      create: { subnetId: subnet-0123456789abcdef0 }
      associations:
        - { fileSystemPath: /data, bucket: lustre-dr, prefix: data/ }`;

describe('seeding s3 and fsx-lustre resources', () => {
  it('registers seeders for both resource types', () => {
    expect(typeof SEEDERS.s3).toBe('function');
    expect(typeof SEEDERS['fsx-lustre']).toBe('function');
  });

  it('s3: both buckets versioned, two-way rules drctl manages, objects replicated to the secondary', async () => {
    const kit = makeKit();
    seedWorldFromRunbooks(kit.world, [runbook(S3_RESOURCE)]);
    const prod = kit.s3(PROD, 'us-east-1');
    const dr = kit.s3(DR, 'us-west-2');
    for (const [client, bucket] of [[prod, 'media-prod'], [dr, 'media-dr']] as const) {
      expect((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
    }
    const forward = (await prod.send(new GetBucketReplicationCommand({ Bucket: 'media-prod' }))).ReplicationConfiguration;
    expect(forward).toMatchObject({
      Role: `arn:aws:iam::${PROD}:role/replication`,
      Rules: [{ ID: 'drctl', Status: 'Enabled', Filter: { Prefix: 'media/' }, DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: 'arn:aws:s3:::media-dr', Account: DR } }],
    });
    const reverse = (await dr.send(new GetBucketReplicationCommand({ Bucket: 'media-dr' }))).ReplicationConfiguration;
    expect(reverse?.Rules?.[0]?.Destination?.Bucket).toBe('arn:aws:s3:::media-prod');
    const keys = (await dr.send(new ListObjectsV2Command({ Bucket: 'media-dr' }))).Contents?.map((c) => c.Key);
    expect(keys).toEqual(['media/README.txt', 'media/assets/logo.svg', 'media/reports/2026-01-01.csv']);
    expect((await prod.send(new HeadObjectCommand({ Bucket: 'media-prod', Key: 'media/README.txt' }))).ReplicationStatus).toBe('COMPLETED');
    expect((await dr.send(new HeadObjectCommand({ Bucket: 'media-dr', Key: 'media/README.txt' }))).ReplicationStatus).toBe('REPLICA');
  });

  it('fsx-lustre: both file systems AVAILABLE with AVAILABLE associations and the same files; buckets in sync', async () => {
    const kit = makeKit();
    seedWorldFromRunbooks(kit.world, [runbook(lustreResource(EXISTING_DR))]);
    const prodFsx = kit.fsx(PROD, 'us-east-1');
    const drFsx = kit.fsx(DR, 'us-west-2');
    const primary = (await prodFsx.send(new DescribeFileSystemsCommand({ FileSystemIds: ['fs-0123456789abcdef0'] }))).FileSystems?.[0];
    expect(primary).toMatchObject({ Lifecycle: 'AVAILABLE', FileSystemTypeVersion: '2.15', LustreConfiguration: { DeploymentType: 'PERSISTENT_2' } });
    const secondary = (await drFsx.send(new DescribeFileSystemsCommand({ FileSystemIds: ['fs-0fedcba9876543210'] }))).FileSystems?.[0];
    expect(secondary?.Lifecycle).toBe('AVAILABLE');
    const dras = await drFsx.send(new DescribeDataRepositoryAssociationsCommand({ Filters: [{ Name: 'file-system-id', Values: ['fs-0fedcba9876543210'] }] }));
    expect(dras.Associations?.map((a) => [a.FileSystemPath, a.DataRepositoryPath, a.Lifecycle])).toEqual([['/data', 's3://lustre-dr/data/', 'AVAILABLE']]);

    const prodAt = { accountId: PROD, region: 'us-east-1', fileSystemId: 'fs-0123456789abcdef0' };
    const drAt = { accountId: DR, region: 'us-west-2', fileSystemId: 'fs-0fedcba9876543210' };
    const paths = (at: typeof prodAt) => listLustreFiles(kit.world, at).map((f) => [f.path, f.content]);
    expect(paths(drAt)).toEqual(paths(prodAt));
    expect(paths(prodAt).map(([p]) => p)).toEqual(['/data/README.txt', '/data/config/job.json', '/data/results/run-0001.csv']);
    expect(readObject(kit.world, 'lustre-dr', 'data/README.txt')?.version.replicationStatus).toBe('REPLICA');
    const rules = (await kit.s3(PROD, 'us-east-1').send(new GetBucketReplicationCommand({ Bucket: 'lustre-prod' }))).ReplicationConfiguration?.Rules;
    expect(rules?.map((r) => [r.ID, r.Destination?.Bucket])).toEqual([['drctl-data', 'arn:aws:s3:::lustre-dr']]);

    // The steady state keeps syncing: a canary written on the primary reaches the DR file system.
    writeLustreFile(kit.world, prodAt, '/data/canary.txt', 'drill');
    kit.clock.advance(60_000);
    expect(listLustreFiles(kit.world, drAt, '/data').map((f) => f.path)).toContain('/data/canary.txt');
  });

  it('fsx-lustre pilot light: no DR file system yet, but its bucket exists and holds the replicas', async () => {
    const kit = makeKit();
    seedWorldFromRunbooks(kit.world, [runbook(lustreResource(PILOT_LIGHT))]);
    expect((await kit.fsx(DR, 'us-west-2').send(new DescribeFileSystemsCommand({}))).FileSystems).toEqual([]);
    expect(readObject(kit.world, 'lustre-dr', 'data/results/run-0001.csv')?.text).toBe('step,loss\n1,0.93\n2,0.71\n');
  });

  it('seeds the steady state as it was before an outage the scenario starts with', async () => {
    const kit = makeKit();
    kit.world.faults.setRegionDown('us-east-1');
    seedWorldFromRunbooks(kit.world, [runbook(lustreResource(EXISTING_DR) + S3_RESOURCE)]);
    expect(readObject(kit.world, 'media-dr', 'media/README.txt')?.version.replicationStatus).toBe('REPLICA');
    const drAt = { accountId: DR, region: 'us-west-2', fileSystemId: 'fs-0fedcba9876543210' };
    expect(listLustreFiles(kit.world, drAt).map((f) => f.path)).toEqual(['/data/README.txt', '/data/config/job.json', '/data/results/run-0001.csv']);
    // The outage itself is still on.
    const refused = await errorOf(kit.s3(PROD, 'us-east-1').send(new HeadObjectCommand({ Bucket: 'media-prod', Key: 'media/README.txt' })));
    expect(String(refused['code'])).toBe('ECONNREFUSED');
  });

  it('does not re-seed resources that already exist (a saved world is never "re-healed")', async () => {
    const kit = makeKit();
    const rb = runbook(lustreResource(EXISTING_DR) + S3_RESOURCE);
    seedWorldFromRunbooks(kit.world, [rb]);
    const prodAt = { accountId: PROD, region: 'us-east-1', fileSystemId: 'fs-0123456789abcdef0' };
    writeLustreFile(kit.world, prodAt, '/data/after-seed.txt', 'x');
    const before = JSON.stringify(kit.world.data.services);
    seedWorldFromRunbooks(kit.world, [rb]);
    expect(JSON.stringify(kit.world.data.services)).toBe(before);
  });
});
