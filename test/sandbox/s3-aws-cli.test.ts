/**
 * The real AWS CLI against the HTTP sandbox for the storage services: S3 (path-style, the CLI's own query and
 * checksum habits), FSx (awsJson) and S3 Control (through HTTP_PROXY, since the CLI puts the account id in the
 * host). Skips only when `aws` is not installed. The CLI runs as a child process, asynchronously, so this
 * process keeps serving it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../src/sandbox/http-server.js';
import { createAvailableLustre, createLinkedAssociation } from '../../src/sandbox/services/fsx/index.js';
import { ensureBucket, setBucketReplication, v2Rule, writeObject } from '../../src/sandbox/services/s3/index.js';
import { World } from '../../src/sandbox/world.js';
import { hasAwsCli, runAwsCli } from '../helpers/aws-cli.js';
import { FakeClock } from '../../src/util/clock.js';
import { STORAGE_SERVICES } from './s3-kit.js';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

describe.skipIf(!hasAwsCli)('the real AWS CLI against the sandbox: S3, FSx, S3 Control', () => {
  let server: SandboxServer;
  let world: World;
  let clock: FakeClock;
  let fileSystemId: string;

  beforeAll(async () => {
    clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
    world = new World({ clock });
    world.setBaseAccount(ACCOUNT);
    ensureBucket(world, { accountId: ACCOUNT, region: REGION, name: 'cli-src', versioning: 'Enabled' });
    ensureBucket(world, { accountId: ACCOUNT, region: REGION, name: 'cli-dst', versioning: 'Enabled' });
    ensureBucket(world, { accountId: ACCOUNT, region: REGION, name: 'cli-plain' });
    setBucketReplication(world, 'cli-src', { role: `arn:aws:iam::${ACCOUNT}:role/replication`, rules: [v2Rule({ id: 'drctl-data', destinationBucket: 'cli-dst', prefix: 'data/' })] });
    writeObject(world, 'cli-src', 'data/report.csv', 'a,b\n1,2\n');
    const fs = createAvailableLustre(world, { accountId: ACCOUNT, region: REGION });
    fileSystemId = fs.fileSystemId;
    createLinkedAssociation(world, fs, { fileSystemPath: '/data', bucket: 'cli-src', prefix: 'data/' });
    clock.advance(60_000);
    server = await startSandboxServer({ world, port: 0, services: STORAGE_SERVICES });
  });
  afterAll(async () => server.close());

  const aws = (args: string[], extraEnv: Record<string, string> = {}) => runAwsCli(server.url, REGION, args, extraEnv);


  it('s3api get-bucket-replication echoes the configuration, and names ReplicationConfigurationNotFoundError', async () => {
    const out = await aws(['s3api', 'get-bucket-replication', '--bucket', 'cli-src']);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout).ReplicationConfiguration).toMatchObject({
      Role: `arn:aws:iam::${ACCOUNT}:role/replication`,
      Rules: [{ ID: 'drctl-data', Priority: 1, Status: 'Enabled', Filter: { Prefix: 'data/' }, Destination: { Bucket: 'arn:aws:s3:::cli-dst' }, DeleteMarkerReplication: { Status: 'Enabled' } }],
    });
    const missing = await aws(['s3api', 'get-bucket-replication', '--bucket', 'cli-plain']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(ReplicationConfigurationNotFoundError)');
  });

  it('s3api head-object shows the replication status; a missing key is a 404', async () => {
    const source = await aws(['s3api', 'head-object', '--bucket', 'cli-src', '--key', 'data/report.csv']);
    const md5 = createHash('md5').update('a,b\n1,2\n').digest('hex');
    expect(JSON.parse(source.stdout)).toMatchObject({ ReplicationStatus: 'COMPLETED', ContentLength: 8, ETag: `"${md5}"` });
    const replica = await aws(['s3api', 'head-object', '--bucket', 'cli-dst', '--key', 'data/report.csv']);
    expect(JSON.parse(replica.stdout).ReplicationStatus).toBe('REPLICA');
    const missing = await aws(['s3api', 'head-object', '--bucket', 'cli-src', '--key', 'data/nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/404|Not Found/);
  });

  it('s3api put-object, get-object and list-object-versions round-trip through the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-cli-'));
    writeFileSync(join(dir, 'in.txt'), 'uploaded by the AWS CLI\n');
    const put = await aws(['s3api', 'put-object', '--bucket', 'cli-src', '--key', 'data/cli.txt', '--body', join(dir, 'in.txt')]);
    expect(put.stderr).toBe('');
    expect(JSON.parse(put.stdout).VersionId).toMatch(/^[0-9a-f]{32}$/);
    const get = await aws(['s3api', 'get-object', '--bucket', 'cli-src', '--key', 'data/cli.txt', join(dir, 'out.txt')]);
    expect(JSON.parse(get.stdout).ReplicationStatus).toBe('PENDING');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('uploaded by the AWS CLI\n');
    const versions = await aws(['s3api', 'list-object-versions', '--bucket', 'cli-src', '--prefix', 'data/']);
    expect(JSON.parse(versions.stdout).Versions.map((v: { Key: string }) => v.Key)).toEqual(['data/cli.txt', 'data/report.csv']);
  });

  it('fsx describe-data-repository-associations', async () => {
    const out = await aws(['fsx', 'describe-data-repository-associations', '--filters', `Name=file-system-id,Values=${fileSystemId}`]);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout).Associations).toMatchObject([
      { FileSystemId: fileSystemId, Lifecycle: 'AVAILABLE', FileSystemPath: '/data', DataRepositoryPath: 's3://cli-src/data/' },
    ]);
    const missing = await aws(['fsx', 'describe-data-repository-associations', '--association-ids', 'dra-0123456789abcdef0']);
    expect(missing.stderr).toContain('(DataRepositoryAssociationNotFound)');
  });

  it('s3control create-job and describe-job through HTTP_PROXY (the account id is in the host)', async () => {
    // No NO_PROXY here: 111111111111.127.0.0.1 would match a 127.0.0.1 entry and bypass the proxy.
    const proxy = { HTTP_PROXY: server.url, NO_PROXY: '' };
    const created = await aws(
      [
        's3control', 'create-job',
        '--account-id', ACCOUNT,
        '--operation', '{"S3ReplicateObject":{}}',
        '--report', '{"Enabled":false}',
        '--priority', '10',
        '--role-arn', `arn:aws:iam::${ACCOUNT}:role/batch`,
        '--client-request-token', 'cli-backfill-1',
        '--no-confirmation-required',
        '--manifest-generator', '{"S3JobManifestGenerator":{"SourceBucket":"arn:aws:s3:::cli-src","EnableManifestOutput":false,"Filter":{"EligibleForReplication":true,"ObjectReplicationStatuses":["NONE","FAILED"]}}}',
      ],
      proxy,
    );
    expect(created.stderr).toBe('');
    const jobId = JSON.parse(created.stdout).JobId as string;
    clock.advance(60_000);
    const described = await aws(['s3control', 'describe-job', '--account-id', ACCOUNT, '--job-id', jobId], proxy);
    expect(described.stderr).toBe('');
    expect(JSON.parse(described.stdout).Job).toMatchObject({ JobId: jobId, Status: 'Complete', Priority: 10, Operation: { S3ReplicateObject: {} } });
    const missing = await aws(['s3control', 'describe-job', '--account-id', ACCOUNT, '--job-id', '00000000-0000-0000-0000-000000000000'], proxy);
    expect(missing.stderr).toContain('(NotFoundException)');
  });
});
