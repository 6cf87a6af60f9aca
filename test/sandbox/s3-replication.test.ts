/**
 * Live S3 replication behaviour through the real S3 client, on virtual time: objects really reach the destination
 * bucket (another account and region) after the configured lag, with S3's status rules.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { destroyBucket, ensureBucket, setBucketReplication, setBucketVersioning, v2Rule } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, ACCOUNT_B, REGION_A, REGION_B, errorOf, makeKit, type Kit } from './s3-kit.js';

const ROLE_AB = 'arn:aws:iam::111111111111:role/replicate-a-to-b';
const ROLE_BA = 'arn:aws:iam::222222222222:role/replicate-b-to-a';

function setup(kit: Kit, options: { twoWay?: boolean; deleteMarkers?: boolean; prefix?: string } = {}) {
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
  ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'bkt-b', versioning: 'Enabled' });
  const ruleOptions = { deleteMarkers: options.deleteMarkers ?? true, ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) };
  setBucketReplication(kit.world, 'bkt-a', { role: ROLE_AB, rules: [v2Rule({ id: 'a-to-b', destinationBucket: 'bkt-b', ...ruleOptions })] });
  if (options.twoWay) {
    setBucketReplication(kit.world, 'bkt-b', { role: ROLE_BA, rules: [v2Rule({ id: 'b-to-a', destinationBucket: 'bkt-a', ...ruleOptions })] });
  }
  return { a: kit.s3(ACCOUNT_A, REGION_A), b: kit.s3(ACCOUNT_B, REGION_B) };
}

async function status(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  return (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ReplicationStatus;
}

async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound') return false;
    throw error;
  }
}

describe('S3 live replication', () => {
  it('copies a new object to the destination after the lag: PENDING → COMPLETED, replica REPLICA with the same version', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit);
    const put = await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'data/report.csv', Body: 'x,y\n1,2\n', Metadata: { source: 'a' } }));
    expect(await status(a, 'bkt-a', 'data/report.csv')).toBe('PENDING');
    expect(await exists(b, 'bkt-b', 'data/report.csv')).toBe(false);

    kit.clock.advance(999);
    expect(await status(a, 'bkt-a', 'data/report.csv')).toBe('PENDING');
    kit.clock.advance(1);
    expect(await status(a, 'bkt-a', 'data/report.csv')).toBe('COMPLETED');
    const replica = await b.send(new GetObjectCommand({ Bucket: 'bkt-b', Key: 'data/report.csv' }));
    expect(await replica.Body?.transformToString()).toBe('x,y\n1,2\n');
    expect(replica).toMatchObject({ ReplicationStatus: 'REPLICA', VersionId: put.VersionId, ETag: put.ETag, Metadata: { source: 'a' } });
  });

  it('uses the configured lag', async () => {
    const kit = makeKit();
    kit.world.setDuration('s3.replicationLag', 60_000);
    const { a } = setup(kit);
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'slow', Body: '1' }));
    kit.clock.advance(59_000);
    expect(await status(a, 'bkt-a', 'slow')).toBe('PENDING');
    kit.clock.advance(1_000);
    expect(await status(a, 'bkt-a', 'slow')).toBe('COMPLETED');
  });

  it('does not replicate objects written before the rule existed (no status: NONE) nor keys outside the filter', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'bkt-a', versioning: 'Enabled' });
    const a = kit.s3(ACCOUNT_A, REGION_A);
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'data/old', Body: 'before the rule' }));
    const { b } = setup(kit, { prefix: 'data/' });
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'other/new', Body: 'outside the prefix' }));
    kit.clock.advance(10_000);
    expect(await status(a, 'bkt-a', 'data/old')).toBeUndefined();
    expect(await status(a, 'bkt-a', 'other/new')).toBeUndefined();
    expect(await exists(b, 'bkt-b', 'data/old')).toBe(false);
    expect(await exists(b, 'bkt-b', 'other/new')).toBe(false);
  });

  it('never re-replicates replicas, so two-way rules do not loop', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit, { twoWay: true });
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'from-a', Body: 'A' }));
    await b.send(new PutObjectCommand({ Bucket: 'bkt-b', Key: 'from-b', Body: 'B' }));
    kit.clock.advance(60_000);
    expect(await status(a, 'bkt-a', 'from-a')).toBe('COMPLETED');
    expect(await status(b, 'bkt-b', 'from-a')).toBe('REPLICA');
    expect(await status(b, 'bkt-b', 'from-b')).toBe('COMPLETED');
    expect(await status(a, 'bkt-a', 'from-b')).toBe('REPLICA');
    const versionsA = await a.send(new ListObjectVersionsCommand({ Bucket: 'bkt-a' }));
    expect(versionsA.Versions?.map((v) => v.Key).sort()).toEqual(['from-a', 'from-b']);
  });

  it('replicates delete markers when DeleteMarkerReplication is Enabled, never version-specific deletes', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit);
    const put = await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'gone', Body: '1' }));
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'pruned', Body: '1' }));
    const pruned = await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'pruned', Body: '2' }));
    kit.clock.advance(2_000);
    await a.send(new DeleteObjectCommand({ Bucket: 'bkt-a', Key: 'gone' }));
    await a.send(new DeleteObjectCommand({ Bucket: 'bkt-a', Key: 'pruned', VersionId: pruned.VersionId }));
    kit.clock.advance(2_000);
    expect((await errorOf(b.send(new GetObjectCommand({ Bucket: 'bkt-b', Key: 'gone' })))).name).toBe('NoSuchKey');
    expect(await b.send(new GetObjectCommand({ Bucket: 'bkt-b', Key: 'gone', VersionId: put.VersionId })).then((o) => o.Body?.transformToString())).toBe('1');
    const stillThere = await b.send(new GetObjectCommand({ Bucket: 'bkt-b', Key: 'pruned' }));
    expect(await stillThere.Body?.transformToString()).toBe('2');
  });

  it('keeps delete markers local when DeleteMarkerReplication is Disabled', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit, { deleteMarkers: false });
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'kept', Body: '1' }));
    kit.clock.advance(2_000);
    await a.send(new DeleteObjectCommand({ Bucket: 'bkt-a', Key: 'kept' }));
    kit.clock.advance(2_000);
    expect(await exists(b, 'bkt-b', 'kept')).toBe(true);
  });

  it('fails for good when the destination bucket has versioning suspended', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit);
    setBucketVersioning(kit.world, 'bkt-b', 'Suspended');
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'doomed', Body: '1' }));
    kit.clock.advance(2_000);
    expect(await status(a, 'bkt-a', 'doomed')).toBe('FAILED');
    await b.send(new PutBucketVersioningCommand({ Bucket: 'bkt-b', VersioningConfiguration: { Status: 'Enabled' } }));
    kit.clock.advance(60_000);
    expect(await status(a, 'bkt-a', 'doomed')).toBe('FAILED');
    expect(await exists(b, 'bkt-b', 'doomed')).toBe(false);
  });

  it('fails when the destination bucket is gone', async () => {
    const kit = makeKit();
    const { a } = setup(kit);
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'orphan', Body: '1' }));
    destroyBucket(kit.world, 'bkt-b');
    kit.clock.advance(2_000);
    expect(await status(a, 'bkt-a', 'orphan')).toBe('FAILED');
  });

  it('stays PENDING while the destination region is down and completes once it is back', async () => {
    const kit = makeKit();
    const { a, b } = setup(kit);
    kit.world.faults.setRegionDown(REGION_B);
    await a.send(new PutObjectCommand({ Bucket: 'bkt-a', Key: 'during-outage', Body: 'written while B was down' }));
    kit.clock.advance(3_600_000);
    expect(await status(a, 'bkt-a', 'during-outage')).toBe('PENDING');
    const refused = await errorOf(b.send(new HeadObjectCommand({ Bucket: 'bkt-b', Key: 'during-outage' })));
    expect(String((refused as { code?: string }).code ?? refused.message)).toContain('ECONNREFUSED');

    kit.world.faults.setRegionDown(REGION_B, false);
    expect(await status(a, 'bkt-a', 'during-outage')).toBe('COMPLETED');
    const replica = await b.send(new GetObjectCommand({ Bucket: 'bkt-b', Key: 'during-outage' }));
    expect(await replica.Body?.transformToString()).toBe('written while B was down');
  });
});
