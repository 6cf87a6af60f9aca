/**
 * The storage services over real HTTP on 127.0.0.1 with the SDK clients configured as drctl configures them for
 * `drctl sandbox` (endpoint, path-style S3, an endpointProvider for S3 Control).
 */
import { Readable } from 'node:stream';
import { DescribeDataRepositoryAssociationsCommand, FSxClient } from '@aws-sdk/client-fsx';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxServer, type SandboxServer } from '../../src/sandbox/http-server.js';
import { createAvailableLustre, createLinkedAssociation } from '../../src/sandbox/services/fsx/index.js';
import { ensureBucket, setBucketReplication, v2Rule } from '../../src/sandbox/services/s3/index.js';
import { World } from '../../src/sandbox/world.js';
import { FakeClock } from '../../src/util/clock.js';
import { ACCOUNT_A, ACCOUNT_B, REGION_A, REGION_B, STORAGE_SERVICES, credentialsFor, errorOf } from './s3-kit.js';

describe('storage services over HTTP', () => {
  let server: SandboxServer;
  let world: World;
  let clock: FakeClock;
  let fileSystemId: string;

  beforeAll(async () => {
    clock = new FakeClock();
    world = new World({ clock });
    ensureBucket(world, { accountId: ACCOUNT_A, region: REGION_A, name: 'http-src', versioning: 'Enabled' });
    ensureBucket(world, { accountId: ACCOUNT_B, region: REGION_B, name: 'http-dst', versioning: 'Enabled' });
    setBucketReplication(world, 'http-src', { role: `arn:aws:iam::${ACCOUNT_A}:role/r`, rules: [v2Rule({ id: 'drctl', destinationBucket: 'http-dst' })] });
    const fs = createAvailableLustre(world, { accountId: ACCOUNT_A, region: REGION_A });
    fileSystemId = fs.fileSystemId;
    createLinkedAssociation(world, fs, { fileSystemPath: '/data', bucket: 'http-src', prefix: 'data/' });
    server = await startSandboxServer({ world, port: 0, services: STORAGE_SERVICES });
  });
  afterAll(async () => server.close());

  const common = (accountId: string, region: string) => ({ region, credentials: credentialsFor(world, accountId), maxAttempts: 1 });
  const s3 = (accountId: string, region: string) => new S3Client({ ...common(accountId, region), endpoint: server.url, forcePathStyle: true });

  it('uploads a streamed (aws-chunked, CRC32 trailer) object and replicates it to another account and region', async () => {
    const body = Readable.from([Buffer.from('chunk one, '), Buffer.from('chunk two')]);
    await s3(ACCOUNT_A, REGION_A).send(new PutObjectCommand({ Bucket: 'http-src', Key: 'data/streamed.txt', Body: body, ContentLength: 20 }));
    clock.advance(1_000);
    const replica = await s3(ACCOUNT_B, REGION_B).send(new GetObjectCommand({ Bucket: 'http-dst', Key: 'data/streamed.txt', ChecksumMode: 'ENABLED' }));
    expect(await replica.Body?.transformToString()).toBe('chunk one, chunk two');
    expect(replica.ReplicationStatus).toBe('REPLICA');
  });

  it('answers HEAD errors without a body, named by status', async () => {
    const error = await errorOf(s3(ACCOUNT_A, REGION_A).send(new HeadObjectCommand({ Bucket: 'http-src', Key: 'nope' })));
    expect(error.name).toBe('NotFound');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('refuses the connection while the bucket region is down', async () => {
    world.faults.setRegionDown(REGION_B);
    try {
      const error = await errorOf(s3(ACCOUNT_B, REGION_B).send(new HeadObjectCommand({ Bucket: 'http-dst', Key: 'data/streamed.txt' })));
      expect(error.$metadata?.httpStatusCode).toBeUndefined();
      expect(error['code']).toBe('ECONNRESET');
    } finally {
      world.faults.setRegionDown(REGION_B, false);
    }
  });

  it('serves FSx (awsJson) and S3 Control (endpointProvider, account in x-amz-account-id)', async () => {
    const fsx = new FSxClient({ ...common(ACCOUNT_A, REGION_A), endpoint: server.url });
    const dras = await fsx.send(new DescribeDataRepositoryAssociationsCommand({ Filters: [{ Name: 'file-system-id', Values: [fileSystemId] }] }));
    expect(dras.Associations?.[0]?.DataRepositoryPath).toBe('s3://http-src/data/');

    const control = new S3ControlClient({ ...common(ACCOUNT_A, REGION_A), endpointProvider: () => ({ url: new URL(`${server.url}/`) }) });
    const { JobId = '' } = await control.send(
      new CreateJobCommand({
        AccountId: ACCOUNT_A,
        Operation: { S3ReplicateObject: {} },
        Report: { Enabled: false },
        Priority: 1,
        RoleArn: `arn:aws:iam::${ACCOUNT_A}:role/batch`,
        ConfirmationRequired: false,
        ClientRequestToken: 'http-backfill',
        ManifestGenerator: { S3JobManifestGenerator: { SourceBucket: 'arn:aws:s3:::http-src', EnableManifestOutput: false } },
      }),
    );
    expect((await control.send(new DescribeJobCommand({ AccountId: ACCOUNT_A, JobId }))).Job?.Status).toBe('New');
  });
});
