/**
 * S3 buckets, versioning, replication configurations and objects through the real S3 client (in process).
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketReplicationCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type ReplicationRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3_CONDITIONS, ensureBucket, setBucketReplication, v2Rule } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, ACCOUNT_B, REGION_A, REGION_B, errorOf, makeKit, type Kit } from './s3-kit.js';

const ROLE = 'arn:aws:iam::111111111111:role/replication';

function rule(destination: string, overrides: Partial<ReplicationRule> = {}): ReplicationRule {
  return {
    ID: 'drctl',
    Priority: 1,
    Filter: { Prefix: '' },
    Status: 'Enabled',
    DeleteMarkerReplication: { Status: 'Enabled' },
    Destination: { Bucket: `arn:aws:s3:::${destination}` },
    ...overrides,
  };
}

function versionedPair(kit: Kit) {
  ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'src-bucket', versioning: 'Enabled' });
  ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'dst-bucket', versioning: 'Enabled' });
  return { a: kit.s3(ACCOUNT_A, REGION_A), b: kit.s3(ACCOUNT_B, REGION_B) };
}

async function text(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<string | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
  return object.Body?.transformToString();
}

describe('S3 buckets', () => {
  it('keeps bucket names global across accounts and needs the location constraint of the endpoint region', async () => {
    const kit = makeKit();
    const a = kit.s3(ACCOUNT_A, REGION_A);
    const b = kit.s3(ACCOUNT_B, REGION_B);
    await a.send(new CreateBucketCommand({ Bucket: 'shared-name' }));
    expect((await errorOf(b.send(new CreateBucketCommand({ Bucket: 'shared-name', CreateBucketConfiguration: { LocationConstraint: REGION_B } })))).name).toBe(
      'BucketAlreadyExists',
    );
    expect((await errorOf(a.send(new CreateBucketCommand({ Bucket: 'shared-name' })))).name).toBe('BucketAlreadyOwnedByYou');
    const wrongRegion = await errorOf(a.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: REGION_B } })));
    expect(wrongRegion.name).toBe('IllegalLocationConstraintException');
    await b.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: REGION_B } }));
  });

  it('answers HeadBucket with the bucket region, 404 for a missing bucket and 301 from another region', async () => {
    const kit = makeKit();
    const { a, b } = versionedPair(kit);
    expect((await b.send(new HeadBucketCommand({ Bucket: 'dst-bucket' }))).BucketRegion).toBe(REGION_B);
    const missing = await errorOf(a.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })));
    expect(missing.name).toBe('NotFound');
    const elsewhere = await errorOf(a.send(new HeadBucketCommand({ Bucket: 'dst-bucket' })));
    expect(elsewhere.$metadata?.httpStatusCode).toBe(301);
    const redirect = await errorOf(a.send(new GetBucketVersioningCommand({ Bucket: 'dst-bucket' })));
    expect(redirect.name).toBe('PermanentRedirect');
    expect(redirect.message).toContain(REGION_B);
  });

  it('answers GetBucketLocation from any region; us-east-1 is the empty constraint', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    expect((await a.send(new GetBucketLocationCommand({ Bucket: 'dst-bucket' }))).LocationConstraint).toBe(REGION_B);
    expect((await a.send(new GetBucketLocationCommand({ Bucket: 'src-bucket' }))).LocationConstraint).toBeUndefined();
  });

  it('lists the caller\'s buckets and deletes only empty ones', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    expect((await a.send(new ListBucketsCommand({}))).Buckets?.map((b) => [b.Name, b.BucketRegion])).toEqual([['src-bucket', REGION_A]]);
    await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v' }));
    await a.send(new DeleteObjectCommand({ Bucket: 'src-bucket', Key: 'k' }));
    // A delete marker and an old version are still content.
    expect((await errorOf(a.send(new DeleteBucketCommand({ Bucket: 'src-bucket' })))).name).toBe('BucketNotEmpty');
    await a.send(new CreateBucketCommand({ Bucket: 'empty-bucket' }));
    await a.send(new DeleteBucketCommand({ Bucket: 'empty-bucket' }));
    expect((await errorOf(a.send(new HeadBucketCommand({ Bucket: 'empty-bucket' })))).name).toBe('NotFound');
  });
});

describe('S3 versioning', () => {
  it('reports no Status for a never-versioned bucket, then Enabled and Suspended', async () => {
    const kit = makeKit();
    const s3 = kit.s3(ACCOUNT_A, REGION_A);
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'plain' }))).Status).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'plain', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'plain' }))).Status).toBe('Enabled');
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'plain', VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'plain' }))).Status).toBe('Suspended');
  });

  it('refuses to suspend versioning under a replication configuration unless the scenario allows it', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    setBucketReplication(kit.world, 'src-bucket', { role: ROLE, rules: [v2Rule({ id: 'drctl', destinationBucket: 'dst-bucket' })] });
    const suspend = () => a.send(new PutBucketVersioningCommand({ Bucket: 'src-bucket', VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await errorOf(suspend())).name).toBe('InvalidBucketState');
    kit.world.faults.add({ kind: 'condition', name: S3_CONDITIONS.suspendWithReplication });
    await suspend();
    expect((await a.send(new GetBucketVersioningCommand({ Bucket: 'src-bucket' }))).Status).toBe('Suspended');
  });
});

describe('S3 replication configuration', () => {
  it('requires versioning on the source with the exact S3 message, and on the destination', async () => {
    const kit = makeKit();
    const a = kit.s3(ACCOUNT_A, REGION_A);
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'unversioned-src' });
    ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'unversioned-dst' });
    const put = (bucket: string, destination: string) =>
      a.send(new PutBucketReplicationCommand({ Bucket: bucket, ReplicationConfiguration: { Role: ROLE, Rules: [rule(destination)] } }));
    const source = await errorOf(put('unversioned-src', 'unversioned-dst'));
    expect(source.name).toBe('InvalidRequest');
    expect(source.message).toBe("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'unversioned-src', versioning: 'Enabled' });
    const destination = await errorOf(put('unversioned-src', 'unversioned-dst'));
    expect(destination.name).toBe('InvalidRequest');
    expect(destination.message).toContain('Destination bucket must have versioning enabled');
    expect((await errorOf(put('unversioned-src', 'no-such-destination'))).message).toContain('Destination bucket must exist');
  });

  it('answers ReplicationConfigurationNotFoundError 404 when there is none, and after a delete', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    const none = await errorOf(a.send(new GetBucketReplicationCommand({ Bucket: 'src-bucket' })));
    expect(none.name).toBe('ReplicationConfigurationNotFoundError');
    expect(none.$metadata?.httpStatusCode).toBe(404);
    await a.send(new PutBucketReplicationCommand({ Bucket: 'src-bucket', ReplicationConfiguration: { Role: ROLE, Rules: [rule('dst-bucket')] } }));
    await a.send(new DeleteBucketReplicationCommand({ Bucket: 'src-bucket' }));
    expect((await errorOf(a.send(new GetBucketReplicationCommand({ Bucket: 'src-bucket' })))).name).toBe('ReplicationConfigurationNotFoundError');
    // Deleting when there is none is not an error (aws-reference §3.2 leaves this open; terraform treats it so).
    await a.send(new DeleteBucketReplicationCommand({ Bucket: 'src-bucket' }));
  });

  it('echoes the V2 configuration with every rule (flattened <Rule>), priorities and delete-marker settings', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    ensureBucket(kit.world, { accountId: ACCOUNT_B, region: REGION_B, name: 'dst-two', versioning: 'Enabled' });
    const rules: ReplicationRule[] = [
      rule('dst-bucket', {
        ID: 'to-b',
        Priority: 2,
        Filter: { Prefix: 'data/' },
        SourceSelectionCriteria: { ReplicaModifications: { Status: 'Enabled' } },
        Destination: {
          Bucket: 'arn:aws:s3:::dst-bucket',
          Account: ACCOUNT_B,
          AccessControlTranslation: { Owner: 'Destination' },
          ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
          Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
        },
      }),
      rule('dst-two', { ID: 'logs', Priority: 1, Filter: { Prefix: 'logs/' }, DeleteMarkerReplication: { Status: 'Disabled' } }),
    ];
    await a.send(new PutBucketReplicationCommand({ Bucket: 'src-bucket', ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    const got = await a.send(new GetBucketReplicationCommand({ Bucket: 'src-bucket' }));
    expect(got.ReplicationConfiguration).toEqual({ Role: ROLE, Rules: rules });
  });

  it('validates the schema version rules of S3', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    const put = (r: ReplicationRule) => a.send(new PutBucketReplicationCommand({ Bucket: 'src-bucket', ReplicationConfiguration: { Role: ROLE, Rules: [r] } }));
    const v1WithDeleteMarkers = await errorOf(put({ ID: 'v1', Prefix: '', Status: 'Enabled', DeleteMarkerReplication: { Status: 'Enabled' }, Destination: { Bucket: 'arn:aws:s3:::dst-bucket' } }));
    expect(v1WithDeleteMarkers.message).toContain('DeleteMarkerReplication cannot be used for this version');
    const v2WithoutDeleteMarkers = await errorOf(put({ ID: 'v2', Priority: 1, Filter: { Prefix: '' }, Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::dst-bucket' } }));
    expect(v2WithoutDeleteMarkers.message).toContain('DeleteMarkerReplication must be specified');
    const rtcWithoutMetrics = await errorOf(
      put(rule('dst-bucket', { Destination: { Bucket: 'arn:aws:s3:::dst-bucket', ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } } } })),
    );
    expect(rtcWithoutMetrics.message).toContain('Metrics');
    const duplicate = await errorOf(
      a.send(new PutBucketReplicationCommand({ Bucket: 'src-bucket', ReplicationConfiguration: { Role: ROLE, Rules: [rule('dst-bucket'), rule('dst-bucket')] } })),
    );
    expect(duplicate.name).toBe('InvalidArgument');
  });
});

describe('S3 objects', () => {
  it('writes versions with ETags and version ids, and refuses If-None-Match: * over a live object', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    const first = await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'lock', Body: 'one', IfNoneMatch: '*' }));
    expect(first.ETag).toBe('"f97c5d29941bfb1b2fdab0874906ab82"');
    expect(first.VersionId).toMatch(/^[0-9a-f]{32}$/);
    const conflict = await errorOf(a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'lock', Body: 'two', IfNoneMatch: '*' })));
    expect(conflict.name).toBe('PreconditionFailed');
    expect(conflict.$metadata?.httpStatusCode).toBe(412);
    const second = await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'lock', Body: 'two' }));
    expect(await text(a, 'src-bucket', 'lock')).toBe('two');
    expect(await text(a, 'src-bucket', 'lock', first.VersionId)).toBe('one');
    expect(second.VersionId).not.toBe(first.VersionId);
  });

  it('returns metadata and content type on Get/HeadObject; HeadObject on a missing key is NotFound', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'doc.json', Body: '{}', ContentType: 'application/json', Metadata: { owner: 'dr' } }));
    const head = await a.send(new HeadObjectCommand({ Bucket: 'src-bucket', Key: 'doc.json' }));
    expect(head).toMatchObject({ ContentType: 'application/json', ContentLength: 2, Metadata: { owner: 'dr' } });
    expect(head.ReplicationStatus).toBeUndefined();
    expect((await errorOf(a.send(new HeadObjectCommand({ Bucket: 'src-bucket', Key: 'nope' })))).name).toBe('NotFound');
    expect((await errorOf(a.send(new GetObjectCommand({ Bucket: 'src-bucket', Key: 'nope' })))).name).toBe('NoSuchKey');
  });

  it('creates delete markers in versioned buckets and removes keys in unversioned ones', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    const put = await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v' }));
    const deleted = await a.send(new DeleteObjectCommand({ Bucket: 'src-bucket', Key: 'k' }));
    expect(deleted.DeleteMarker).toBe(true);
    expect(deleted.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect((await errorOf(a.send(new GetObjectCommand({ Bucket: 'src-bucket', Key: 'k' })))).name).toBe('NoSuchKey');
    expect(await text(a, 'src-bucket', 'k', put.VersionId)).toBe('v');
    const versions = await a.send(new ListObjectVersionsCommand({ Bucket: 'src-bucket' }));
    expect(versions.DeleteMarkers?.map((m) => [m.Key, m.IsLatest])).toEqual([['k', true]]);
    expect(versions.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['k', put.VersionId, false]]);

    await a.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
    await a.send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'k', Body: 'v' }));
    const plainDelete = await a.send(new DeleteObjectCommand({ Bucket: 'plain-bucket', Key: 'k' }));
    expect(plainDelete.DeleteMarker).toBeUndefined();
    expect((await a.send(new ListObjectVersionsCommand({ Bucket: 'plain-bucket' }))).Versions).toBeUndefined();
  });

  it('answers NoSuchVersion for an unknown version, 405 for a delete marker read by id, and checks If-Match', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    const put = await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v1' }));
    const marker = await a.send(new DeleteObjectCommand({ Bucket: 'src-bucket', Key: 'k' }));
    expect((await errorOf(a.send(new GetObjectCommand({ Bucket: 'src-bucket', Key: 'k', VersionId: 'f'.repeat(32) })))).name).toBe('NoSuchVersion');
    const byMarker = await errorOf(a.send(new GetObjectCommand({ Bucket: 'src-bucket', Key: 'k', VersionId: marker.VersionId })));
    expect(byMarker.name).toBe('MethodNotAllowed');
    expect(byMarker.$metadata?.httpStatusCode).toBe(405);
    await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v2' }));
    const stale = await errorOf(a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v3', IfMatch: put.ETag })));
    expect(stale.name).toBe('PreconditionFailed');
    const current = await a.send(new HeadObjectCommand({ Bucket: 'src-bucket', Key: 'k' }));
    await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'k', Body: 'v3', IfMatch: current.ETag }));
    expect(await text(a, 'src-bucket', 'k')).toBe('v3');
  });

  it('lists with prefix, delimiter and continuation tokens (ListObjectsV2)', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    for (const key of ['data/a.txt', 'data/b.txt', 'data/sub/c.txt', 'logs/x.log', 'top.txt']) {
      await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: key, Body: key }));
    }
    await a.send(new DeleteObjectCommand({ Bucket: 'src-bucket', Key: 'data/b.txt' }));
    const rooted = await a.send(new ListObjectsV2Command({ Bucket: 'src-bucket', Delimiter: '/' }));
    expect(rooted.Contents?.map((c) => c.Key)).toEqual(['top.txt']);
    expect(rooted.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['data/', 'logs/']);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await a.send(new ListObjectsV2Command({ Bucket: 'src-bucket', Prefix: 'data/', MaxKeys: 1, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(['data/a.txt', 'data/sub/c.txt']);
  });

  it('pages ListObjectVersions with key and version-id markers', async () => {
    const kit = makeKit();
    const { a } = versionedPair(kit);
    for (const body of ['1', '2', '3']) await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'multi', Body: body }));
    await a.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'single', Body: 's' }));
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await a.send(new ListObjectVersionsCommand({ Bucket: 'src-bucket', MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      seen.push(...(page.Versions ?? []).map((v) => `${v.Key}:${v.IsLatest}`));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    expect(seen).toEqual(['multi:true', 'multi:false', 'multi:false', 'single:true']);
  });
});
