/**
 * S3 wire handling: addressing, sub-resource queries, operation resolution, the XML reader, error shapes and
 * NotImplemented — partly as pure functions, partly through the router with hand-made requests (the shapes the
 * Debian CLI sends) and the real SDK.
 */
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetBucketLifecycleConfigurationCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { routeS3Request } from '../../src/sandbox/services/s3/request.js';
import { parseXml, XmlSyntaxError, childText, childrenNamed } from '../../src/sandbox/services/s3/xml-read.js';
import { ensureBucket } from '../../src/sandbox/services/s3/index.js';
import { ACCOUNT_A, REGION_A, credentialsFor, errorOf, makeKit, rawRequest } from './s3-kit.js';

const req = (method: string, path: string, query: Record<string, string[]> = {}, headers: Record<string, string> = {}, host = '127.0.0.1:4566') => ({
  method,
  path,
  query,
  headers,
  host,
});

describe('S3 request routing', () => {
  it('reads the bucket from the path (path style) and from a bucket.localhost host (virtual-host style)', () => {
    expect(routeS3Request(req('GET', '/media/photos/cat.jpg'))).toEqual({ operation: 'GetObject', bucket: 'media', key: 'photos/cat.jpg' });
    expect(routeS3Request(req('GET', '/photos/cat.jpg', {}, {}, 'media.localhost:4566'))).toEqual({ operation: 'GetObject', bucket: 'media', key: 'photos/cat.jpg' });
    expect(routeS3Request(req('HEAD', '/', {}, {}, 'my.dotted.bucket.localhost'))).toEqual({ operation: 'HeadBucket', bucket: 'my.dotted.bucket' });
    expect(routeS3Request(req('GET', '/'))).toEqual({ operation: 'ListBuckets' });
  });

  it('accepts sub-resources with or without "=" and with or without the trailing slash', () => {
    // JS SDK: PUT /b/?versioning= ; Debian CLI: PUT /b?versioning
    expect(routeS3Request(req('PUT', '/b/', { versioning: [''] })).operation).toBe('PutBucketVersioning');
    expect(routeS3Request(req('PUT', '/b', { versioning: [''] })).operation).toBe('PutBucketVersioning');
    expect(routeS3Request(req('GET', '/b', { replication: [''] })).operation).toBe('GetBucketReplication');
    expect(routeS3Request(req('DELETE', '/b/', { replication: [''] })).operation).toBe('DeleteBucketReplication');
    expect(routeS3Request(req('GET', '/b', { versions: [''], prefix: ['a/'] })).operation).toBe('ListObjectVersions');
    expect(routeS3Request(req('GET', '/b', { 'list-type': ['2'] })).operation).toBe('ListObjectsV2');
  });

  it('ignores the JS-only x-id hint and tells PutObject from CopyObject by x-amz-copy-source', () => {
    expect(routeS3Request(req('PUT', '/b/k', { 'x-id': ['PutObject'] })).operation).toBe('PutObject');
    expect(routeS3Request(req('PUT', '/b/k', {})).operation).toBe('PutObject');
    expect(routeS3Request(req('PUT', '/b/k', { 'x-id': ['CopyObject'] }, { 'x-amz-copy-source': '/b/other' })).operation).toBe('CopyObject');
    expect(routeS3Request(req('GET', '/b/k', { 'x-id': ['GetObject'], versionId: ['v1'] })).operation).toBe('GetObject');
  });

  it('names operations it does not emulate', () => {
    expect(routeS3Request(req('GET', '/b', { lifecycle: [''] })).operation).toBe('GetBucketLifecycleConfiguration');
    expect(routeS3Request(req('POST', '/b/k', { uploads: [''] })).operation).toBe('CreateMultipartUpload');
    expect(routeS3Request(req('GET', '/b/k', { tagging: [''] })).operation).toBe('GetObjectTagging');
  });
});

describe('XML reader', () => {
  it('reads namespaced elements, entities, CDATA and self-closing tags', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<s3:Config xmlns:s3="urn:x"><!-- note --><Name>a &amp; b &#x41;</Name><Item>1</Item><Item><![CDATA[<2>]]></Item><Empty/></s3:Config>',
    );
    expect(root.name).toBe('Config');
    expect(childText(root, 'Name')).toBe('a & b A');
    expect(childrenNamed(root, 'Item').map((i) => i.text)).toEqual(['1', '<2>']);
    expect(childText(root, 'Empty')).toBe('');
  });

  it('rejects malformed documents', () => {
    for (const bad of ['<a><b></a>', '<a>', 'text', '<a/><b/>', '<!DOCTYPE x><a/>', '<a>&bogus;</a>']) {
      expect(() => parseXml(bad), bad).toThrow(XmlSyntaxError);
    }
  });
});

describe('S3 protocol answers', () => {
  it('answers a CLI-style request (no "=", no trailing slash) with XML and x-amz-request-id', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'cli-bucket', versioning: 'Enabled' });
    const response = await rawRequest(kit, { method: 'GET', path: '/cli-bucket', query: { versioning: [''] } }, ACCOUNT_A, REGION_A);
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-request-id']).toMatch(/\S+/);
    expect(String(response.body)).toContain('<Status>Enabled</Status>');
  });

  it('answers a virtual-host style request', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'vhost-bucket' });
    const response = await rawRequest(kit, { method: 'HEAD', path: '/', host: 'vhost-bucket.localhost:4566' }, ACCOUNT_A, REGION_A);
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-bucket-region']).toBe(REGION_A);
  });

  it('renders errors as <Error><Code> with the request id, and HEAD errors without a body', async () => {
    const kit = makeKit();
    const get = await rawRequest(kit, { method: 'GET', path: '/missing-bucket', query: { versioning: [''] } }, ACCOUNT_A, REGION_A);
    expect(get.status).toBe(404);
    expect(String(get.body)).toMatch(/^<\?xml[^>]*><Error><Code>NoSuchBucket<\/Code><Message>[^<]*missing-bucket[^<]*<\/Message><BucketName>missing-bucket<\/BucketName><RequestId>/);
    const head = await rawRequest(kit, { method: 'HEAD', path: '/missing-bucket/key' }, ACCOUNT_A, REGION_A);
    expect(head.status).toBe(404);
    expect(head.body ?? '').toHaveLength(0);
    expect(head.headers['x-amz-request-id']).toMatch(/\S+/);
  });

  it('answers malformed XML with MalformedXML', async () => {
    const kit = makeKit();
    ensureBucket(kit.world, { accountId: ACCOUNT_A, region: REGION_A, name: 'xml-bucket', versioning: 'Enabled' });
    const response = await rawRequest(kit, { method: 'PUT', path: '/xml-bucket', query: { replication: [''] }, body: '<ReplicationConfiguration><Role>r</Role>' }, ACCOUNT_A, REGION_A);
    expect(response.status).toBe(400);
    expect(String(response.body)).toContain('<Code>MalformedXML</Code>');
  });

  it('answers operations it does not emulate with NotImplemented naming the operation', async () => {
    const kit = makeKit();
    const s3 = kit.s3(ACCOUNT_A, REGION_A);
    await s3.send(new CreateBucketCommand({ Bucket: 'plain-bucket' }));
    const error = await errorOf(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'plain-bucket' })));
    expect(error.name).toBe('NotImplemented');
    expect(error.message).toContain('GetBucketLifecycleConfiguration');
    expect(error.$metadata?.httpStatusCode).toBe(501);
  });

  it('decodes aws-chunked streaming uploads sent with flexible checksums', async () => {
    const kit = makeKit();
    const s3 = new S3Client({
      region: REGION_A,
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
      credentials: credentialsFor(kit.world, ACCOUNT_A),
      requestHandler: kit.handler,
      requestChecksumCalculation: 'WHEN_SUPPORTED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'chunked-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'chunked-bucket', Key: 'stream.txt', Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]), ContentLength: 11 }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'chunked-bucket', Key: 'stream.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello world');
    expect(object.ContentLength).toBe(11);
  });
});
